package io.fedmesh.operator.coordinator;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The primitive arrays an object holds on to: everything reachable from it through the fields of
 * fedmesh classes and the contents of collections and maps. What a structure really retains, not
 * what a timer or a GC heuristic suggests.
 */
final class ReachableArrays {
  private ReachableArrays() {}

  /** Primitive arrays of at least {@code minLength} elements reachable from {@code root}, except those in {@code exclude} (by identity). */
  static List<Object> from(Object root, int minLength, Object... exclude) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Collections.addAll(seen, exclude);
    List<Object> found = new ArrayList<>();
    Deque<Object> todo = new ArrayDeque<>() {
      @Override
      public void push(Object o) {
        if (o != null) { // ArrayDeque holds no null
          super.push(o);
        }
      }
    };
    todo.push(root);
    while (!todo.isEmpty()) {
      Object o = todo.pop();
      if (!seen.add(o)) {
        continue;
      }
      Class<?> c = o.getClass();
      if (c.isArray()) {
        if (c.getComponentType().isPrimitive()) {
          if (Array.getLength(o) >= minLength) {
            found.add(o);
          }
        } else {
          for (Object e : (Object[]) o) {
            todo.push(e);
          }
        }
      } else if (o instanceof Map<?, ?> m) {
        m.forEach((k, v) -> {
          todo.push(k);
          todo.push(v);
        });
      } else if (o instanceof Collection<?> col) {
        col.forEach(todo::push);
      } else if (c.getName().startsWith("io.fedmesh.")) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
          for (Field f : k.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
              continue;
            }
            f.setAccessible(true);
            try {
              todo.push(f.get(o));
            } catch (IllegalAccessException e) {
              throw new AssertionError(e);
            }
          }
        }
      }
    }
    return found;
  }

  /** Bytes in {@code arrays}. */
  static long bytes(List<Object> arrays) {
    long total = 0;
    for (Object a : arrays) {
      Class<?> t = a.getClass().getComponentType();
      int size = t == double.class || t == long.class ? 8 : t == float.class || t == int.class ? 4 : t == short.class || t == char.class ? 2 : 1;
      total += (long) size * Array.getLength(a);
    }
    return total;
  }
}
