package io.fedmesh.common.grpc;

/** A "host:port" endpoint, parsed once with a clear error. */
public record HostPort(String host, int port) {

  public static HostPort parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("endpoint is empty: expected HOST:PORT, e.g. 127.0.0.1:7070");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("endpoint '" + text + "' is not HOST:PORT, e.g. 127.0.0.1:7070");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("endpoint '" + text + "' has a non-numeric port");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("endpoint '" + text + "' has port " + port + " outside 0..65535");
    }
    return new HostPort(host, port);
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
