package io.quantix.agent.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Checks the generated descriptors against every row of the wire reference taken from the real
 * agent (agent-wire.tsv): message, field, number, type, label and oneof.
 */
class WireCompatibilityTest {

  private static final FileDescriptor FILE = AgentMessage.getDescriptor().getFile();

  @Test
  void everyReferenceRowMatchesTheGeneratedDescriptors() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int rows = 0;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        Objects.requireNonNull(getClass().getResourceAsStream("/agent-wire.tsv")),
        StandardCharsets.UTF_8))) {
      String header = in.readLine();
      assertThat(header).isEqualTo("message\tfield\tnumber\ttype\tlabel\toneof");
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        rows++;
        String problem = check(line.split("\t", -1));
        if (problem != null) {
          mismatches.add(line + " -> " + problem);
        }
      }
    }
    System.out.printf("wire reference: %d of %d rows match%n", rows - mismatches.size(), rows);
    assertThat(mismatches).isEmpty();
    assertThat(rows).isEqualTo(411);
  }

  @Test
  void fileShapeMatchesTheReference() {
    assertThat(FILE.getPackage()).isEqualTo("limiquantix.agent.v1");
    assertThat(FILE.getMessageTypes()).hasSize(71);
    assertThat(FILE.getEnumTypes()).hasSize(6);
    int fields = FILE.getMessageTypes().stream().mapToInt(m -> m.getFields().size()).sum();
    assertThat(fields).isEqualTo(385);
    assertThat(FILE.getDependencies()).extracting(FileDescriptor::getName)
        .containsExactly("google/protobuf/timestamp.proto");
  }

  private static String check(String[] row) {
    String message = row[0];
    String field = row[1];
    int number = Integer.parseInt(row[2]);
    String type = row[3];
    String label = row[4];
    String oneof = row.length > 5 ? row[5] : "";
    if (type.equals("enum-value")) {
      EnumDescriptor e = FILE.findEnumTypeByName(message);
      if (e == null) {
        return "no enum " + message;
      }
      EnumValueDescriptor v = e.findValueByName(field);
      if (v == null) {
        return "no value";
      }
      return v.getNumber() == number ? null : "number " + v.getNumber();
    }
    Descriptor m = FILE.findMessageTypeByName(message);
    if (m == null) {
      return "no message " + message;
    }
    FieldDescriptor f = m.findFieldByName(field);
    if (f == null) {
      return "no field";
    }
    if (f.getNumber() != number) {
      return "number " + f.getNumber();
    }
    String actualType = switch (f.getType()) {
      case MESSAGE -> f.getMessageType().getFullName();
      case ENUM -> f.getEnumType().getFullName();
      default -> f.getType().name().toLowerCase(java.util.Locale.ROOT);
    };
    if (!actualType.equals(type)) {
      return "type " + actualType;
    }
    String actualLabel = f.isRepeated() ? "repeated" : "optional";
    if (!actualLabel.equals(label)) {
      return "label " + actualLabel;
    }
    String actualOneof = f.getRealContainingOneof() == null ? "" : f.getRealContainingOneof().getName();
    return actualOneof.equals(oneof) ? null : "oneof '" + actualOneof + "'";
  }
}
