package io.fedmesh.hpc.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Every path the bridge derives from a request (a burst uid, a task name) goes through here: the
 * result must lie strictly inside {@code root}, lexically (no absolute part, no {@code ..}, checked
 * with {@code normalize()} and {@code startsWith}) and on disk (no symbolic link on the way leads
 * out of {@code root}'s real location).
 */
public final class ConfinedPath {
  private ConfinedPath() {}

  /**
   * {@code root/relative}, checked.
   *
   * @throws IllegalArgumentException naming the refused path
   */
  public static Path resolve(Path root, String relative) {
    if (relative == null || relative.isEmpty()) {
      throw new IllegalArgumentException("an empty path was asked for under " + root);
    }
    Path rel;
    try {
      rel = Path.of(relative);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + printable(relative) + "' is not a valid path name");
    }
    if (rel.isAbsolute() || rel.getRoot() != null) {
      throw new IllegalArgumentException("'" + printable(relative) + "' is absolute: only names inside " + root + " are allowed");
    }
    for (Path part : rel) {
      if (part.toString().equals("..")) {
        throw new IllegalArgumentException("'" + printable(relative) + "' contains '..': only names inside " + root + " are allowed");
      }
    }
    Path base = root.toAbsolutePath().normalize();
    Path p = base.resolve(rel).normalize();
    if (!p.startsWith(base) || p.equals(base)) {
      throw new IllegalArgumentException("'" + printable(relative) + "' does not name anything inside " + root);
    }
    checkNoLinkOut(base, p, relative);
    return p;
  }

  /** The deepest part of {@code p} that exists must, links followed, still be inside {@code base}'s real location. */
  private static void checkNoLinkOut(Path base, Path p, String relative) {
    if (!Files.exists(base)) {
      return; // nothing below it exists yet, so no link can lead out
    }
    try {
      Path realBase = base.toRealPath();
      Path existing = p;
      while (!existing.equals(base) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (!existing.toRealPath().startsWith(realBase)) {
        throw new IllegalArgumentException("'" + printable(relative) + "' leads out of " + base + " through a symbolic link");
      }
    } catch (IOException e) {
      // a dangling link, or one we may not follow: refused like one that leads out
      throw new IllegalArgumentException("'" + printable(relative) + "' under " + base + " cannot be resolved: " + e.getMessage());
    }
  }

  private static String printable(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }
}
