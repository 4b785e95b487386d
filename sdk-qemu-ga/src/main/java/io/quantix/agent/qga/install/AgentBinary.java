package io.quantix.agent.qga.install;

import io.quantix.agent.AgentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What an agent binary is, read from its ELF header and program headers before any byte moves to
 * a guest: word size, byte order, type, architecture, and whether it asks for a program
 * interpreter ({@code PT_INTERP}). Only a binary without one runs on a guest that lacks the
 * loader: a "static-pie" that still names {@code /lib/ld-musl-x86_64.so.1} fails there with
 * "No such file or directory", which is how the reference system's one-click install broke.
 *
 * <pre>{@code
 * AgentBinary bin = AgentBinary.inspect(Path.of("quantix-agent"));
 * bin.requireRunnableOn("x86_64");   // INVALID_ARGUMENT with the reason otherwise
 * }</pre>
 *
 * @param path the file
 * @param bits 32 or 64
 * @param littleEndian byte order
 * @param type ELF e_type: 2 EXEC, 3 DYN (PIE)
 * @param machineCode ELF e_machine, e.g. 62 x86_64, 183 aarch64
 * @param interpreterPath the PT_INTERP path, or null when the binary needs no loader
 */
public record AgentBinary(Path path, int bits, boolean littleEndian, int type, int machineCode,
    String interpreterPath) {
  /** ELF e_machine codes by the name {@code uname -m} prints for that architecture. */
  static final Map<String, Integer> MACHINES = Map.of("x86_64", 62, "aarch64", 183, "i686", 3,
      "i386", 3, "armv7l", 40, "riscv64", 243, "ppc64le", 21, "s390x", 22);
  private static final int PT_INTERP = 3;
  private static final int MAX_PROGRAM_HEADERS = 4096;

  /**
   * Reads {@code file}'s ELF headers.
   *
   * @throws AgentException INVALID_ARGUMENT if it is unreadable or not an ELF file
   */
  public static AgentBinary inspect(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer h = read(ch, 0, 64, file);
      if (h.limit() < 52 || h.getInt(0) != 0x7F454C46) {
        throw AgentException.invalidArgument(file + " is not an ELF executable (no \\x7fELF"
            + " magic): the agent must be a Linux binary");
      }
      int bits = h.get(4) == 2 ? 64 : h.get(4) == 1 ? 32 : 0;
      boolean le = h.get(5) == 1;
      if (bits == 0 || (h.get(5) != 1 && h.get(5) != 2)) {
        throw AgentException.invalidArgument(file + ": unknown ELF class or byte order");
      }
      h.order(le ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      int type = Short.toUnsignedInt(h.getShort(16));
      int machine = Short.toUnsignedInt(h.getShort(18));
      long phoff = bits == 64 ? h.getLong(0x20) : Integer.toUnsignedLong(h.getInt(0x1C));
      int phentsize = Short.toUnsignedInt(h.getShort(bits == 64 ? 0x36 : 0x2A));
      int phnum = Short.toUnsignedInt(h.getShort(bits == 64 ? 0x38 : 0x2C));
      if (phnum > MAX_PROGRAM_HEADERS || phentsize < (bits == 64 ? 56 : 32)) {
        throw AgentException.invalidArgument(file + ": implausible ELF program headers");
      }
      String interpreter = null;
      for (int i = 0; i < phnum; i++) {
        ByteBuffer ph = read(ch, phoff + (long) i * phentsize, phentsize, file)
            .order(h.order());
        if (ph.limit() < phentsize) {
          throw AgentException.invalidArgument(file + ": truncated ELF program headers");
        }
        if (ph.getInt(0) == PT_INTERP) {
          long offset = bits == 64 ? ph.getLong(8) : Integer.toUnsignedLong(ph.getInt(4));
          long size = bits == 64 ? ph.getLong(0x20) : Integer.toUnsignedLong(ph.getInt(16));
          ByteBuffer s = read(ch, offset, (int) Math.min(Math.max(size, 0), 4096), file);
          interpreter = StandardCharsets.US_ASCII.decode(s).toString().replace("\0", "");
        }
      }
      return new AgentBinary(file, bits, le, type, machine, interpreter);
    } catch (IOException e) {
      throw AgentException.invalidArgument("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static ByteBuffer read(FileChannel ch, long position, int length, Path file)
      throws IOException {
    if (position < 0) {
      throw AgentException.invalidArgument(file + ": bad ELF offset");
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining() && ch.read(b, position + b.position()) > 0) {
      // read until full or end of file
    }
    return b.flip();
  }

  /** The program interpreter this binary asks for, if any. */
  public Optional<String> interpreter() {
    return Optional.ofNullable(interpreterPath);
  }

  /** True iff it needs no program interpreter (static, or a true static-pie). */
  public boolean isStatic() {
    return interpreterPath == null;
  }

  /** The architecture as {@code uname -m} names it, or {@code e_machine=N}. */
  public String architecture() {
    return MACHINES.entrySet().stream().filter(e -> e.getValue() == machineCode)
        .map(Map.Entry::getKey).sorted().findFirst().orElse("e_machine=" + machineCode);
  }

  /**
   * Refuses, with the reason, a binary that cannot run on a guest whose {@code uname -m} is
   * {@code guestMachine}: not an executable, another architecture, or one that asks for a loader.
   *
   * @throws AgentException INVALID_ARGUMENT naming the problem
   */
  public void requireRunnableOn(String guestMachine) {
    if (type != 2 && type != 3) {
      throw AgentException.invalidArgument(path + " is an ELF file of type " + type
          + ", not an executable");
    }
    Integer wanted = MACHINES.get(guestMachine.toLowerCase(Locale.ROOT));
    if (wanted == null || wanted != machineCode || (bits == 32) != guestMachine.matches("i.86|armv7l")) {
      throw AgentException.invalidArgument(path + " is built for " + architecture() + " ("
          + bits + "-bit) but the guest is " + guestMachine);
    }
    if (interpreterPath != null) {
      throw AgentException.invalidArgument(path + " asks for the program interpreter "
          + interpreterPath + " (PT_INTERP): it is not truly static, and on a guest without that"
          + " loader exec fails with \"No such file or directory\" (a musl-gcc -static-pie build"
          + " does this); build with -static or a static-pie without an interpreter");
    }
  }
}
