package io.fedmesh.common.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a CA issued, one line per certificate in {@code issued.csv} beside it: serial, identity,
 * hosts, validity and where it was written. A renewal adds a line; the newest line of an identity
 * is its current certificate, the older ones are superseded.
 */
public final class IssuedLedger {
  private static final String FILE = "issued.csv";
  private static final String HEADER = "serial,identity,hosts,notBefore,notAfter,dir";

  private final Path file;

  IssuedLedger(Path caDir) {
    this.file = caDir.resolve(FILE);
  }

  /** One issued certificate, with what its line says about it now. */
  public record Entry(String serial, String identity, String hosts, Instant notBefore, Instant notAfter, String dir, boolean superseded) {
    public String state(Instant now) {
      if (superseded) {
        return "superseded";
      }
      return now.isAfter(notAfter) ? "EXPIRED" : now.isBefore(notBefore) ? "not-yet-valid" : "valid";
    }
  }

  synchronized void record(X509Certificate certificate, PeerIdentity identity, List<String> hosts, Path dir) throws IOException {
    StringBuilder line = new StringBuilder();
    if (!Files.exists(file)) {
      line.append(HEADER).append('\n');
    }
    line.append(certificate.getSerialNumber().toString(16)).append(',').append(identity.uri()).append(',')
        .append(String.join(" ", hosts)).append(',').append(certificate.getNotBefore().toInstant()).append(',')
        .append(certificate.getNotAfter().toInstant()).append(',').append(dir.toAbsolutePath().toString().replace(',', '_')).append('\n');
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Every certificate issued, oldest first. */
  public List<Entry> entries() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.equals(HEADER)) {
        rows.add(line.split(",", -1));
      }
    }
    Map<String, Integer> newest = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      newest.put(rows.get(i)[1], i);
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      String[] r = rows.get(i);
      entries.add(new Entry(r[0], r[1], r[2], Instant.parse(r[3]), Instant.parse(r[4]), r[5], newest.get(r[1]) != i));
    }
    return entries;
  }
}
