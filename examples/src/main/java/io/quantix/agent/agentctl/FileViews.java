package io.quantix.agent.agentctl;

import io.quantix.agent.client.FileEntry;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Guest file entries as text and JSON. */
final class FileViews {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

  private FileViews() {}

  static char typeChar(FileEntry e) {
    switch (e.type()) {
      case DIRECTORY:
        return 'd';
      case SYMLINK:
        return 'l';
      case FILE:
        return '-';
      default:
        return '?';
    }
  }

  static String time(Instant t) {
    return t == null ? "-" : TIME.format(t);
  }

  static String name(FileEntry e) {
    return e.symlinkTarget().isEmpty() ? e.name() : e.name() + " -> " + e.symlinkTarget();
  }

  static Json.Obj json(FileEntry e) {
    return Json.obj().put("name", e.name()).put("path", e.path()).put("type", e.type().name())
        .put("sizeBytes", e.size()).put("mode", Format.octal(e.permissions()))
        .put("owner", e.owner()).put("group", e.group()).put("modifiedAt", e.modifiedAt())
        .put("createdAt", e.createdAt())
        .put("symlinkTarget", e.symlinkTarget().isEmpty() ? null : e.symlinkTarget());
  }
}
