package io.fedmesh.operator.sites;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An informer's view of one kind: rounds and status writers read sites and bursts from here
 * instead of listing them from the API server (one watch instead of a LIST per round).
 */
public final class ResourceCache<R extends HasMetadata> implements AutoCloseable {
  private final SharedIndexInformer<R> informer;

  private ResourceCache(SharedIndexInformer<R> informer) {
    this.informer = informer;
  }

  /**
   * Starts an informer for {@code type} in {@code namespace} (null: every namespace) and waits
   * for its first list. {@code onChange} hears adds and updates, {@code onDelete} deletes (either
   * may be null).
   */
  public static <R extends HasMetadata> ResourceCache<R> start(KubernetesClient client, Class<R> type, String namespace,
      Consumer<R> onChange, Consumer<R> onDelete) {
    var resources = client.resources(type);
    SharedIndexInformer<R> informer = namespace == null ? resources.inAnyNamespace().runnableInformer(0)
        : resources.inNamespace(namespace).runnableInformer(0);
    if (onChange != null || onDelete != null) {
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(R r) {
          if (onChange != null) {
            onChange.accept(r);
          }
        }

        @Override
        public void onUpdate(R before, R after) {
          if (onChange != null) {
            onChange.accept(after);
          }
        }

        @Override
        public void onDelete(R r, boolean unknownFinalState) {
          if (onDelete != null) {
            onDelete.accept(r);
          }
        }
      });
    }
    informer.start().toCompletableFuture().join();
    return new ResourceCache<>(informer);
  }

  /** The object by namespace/name. */
  public Optional<R> get(String key) {
    return Optional.ofNullable(informer.getStore().getByKey(key));
  }

  public List<R> inNamespace(String namespace) {
    return informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  public List<R> all() {
    return informer.getStore().list();
  }

  public static String key(HasMetadata r) {
    return Cache.metaNamespaceKeyFunc(r);
  }

  @Override
  public void close() {
    informer.close();
  }
}
