package io.quantix.agent.transport.internal;

import io.netty.channel.unix.Errors;
import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Linux errno behind a socket failure, recovered from what Netty and the JDK throw, so failures
 * are classified on numbers rather than on free text where the number is available.
 *
 * <p>Netty's native transport reports I/O errors as {@link Errors.NativeIoException} (typed
 * {@code expectedErr()}), connect errors as a {@link ConnectException} whose message carries the
 * number ({@code "connect(..) failed with error(-111): Connection refused"}), and ENOENT as a
 * {@link FileNotFoundException}. The JDK's NIO transport has no numbers at all: its exceptions carry
 * {@code strerror} text, which is matched as a last resort for the few errnos this SDK classifies.
 *
 * <p>It lives in sdk-core, shared by the transport modules (which must not depend on each other);
 * only the transport tree uses it ({@code PackageOrderTest}).
 *
 * <pre>{@code
 * if (Errno.of(cause) == Errno.ECONNREFUSED) { ... }
 * }</pre>
 */
public final class Errno {
  // Linux values; identical on every architecture Netty's epoll transport ships for (asm-generic).
  /** Operation not permitted. */
  public static final int EPERM = 1;
  /** No such file or directory. */
  public static final int ENOENT = 2;
  /** Resource temporarily unavailable: a Unix socket's listen backlog is full. */
  public static final int EAGAIN = 11;
  /** Permission denied. */
  public static final int EACCES = 13;
  /** No such device: no vsock transport reaches the CID. */
  public static final int ENODEV = 19;
  /** Broken pipe: the peer closed while we wrote. */
  public static final int EPIPE = 32;
  /** Socket operation on non-socket. */
  public static final int ENOTSOCK = 88;
  /** Protocol not supported. */
  public static final int EPROTONOSUPPORT = 93;
  /** Socket type not supported. */
  public static final int ESOCKTNOSUPPORT = 94;
  /** Address family not supported by protocol (no AF_VSOCK in the kernel). */
  public static final int EAFNOSUPPORT = 97;
  /** Cannot assign requested address. */
  public static final int EADDRNOTAVAIL = 99;
  /** Network is unreachable. */
  public static final int ENETUNREACH = 101;
  /** Connection reset by peer. */
  public static final int ECONNRESET = 104;
  /** Connection timed out. */
  public static final int ETIMEDOUT = 110;
  /** Connection refused. */
  public static final int ECONNREFUSED = 111;
  /** No route to host. */
  public static final int EHOSTUNREACH = 113;

  private static final Pattern NETTY_ERRNO = Pattern.compile("error\\((-?\\d+)\\)");
  private static final String[][] STRERROR = {
      {"connection refused", "111"},
      {"no such file or directory", "2"},
      {"resource temporarily unavailable", "11"},
      {"connection reset", "104"},
      {"broken pipe", "32"},
      {"connection timed out", "110"},
      {"permission denied", "13"},
      {"operation not permitted", "1"},
      {"no such device", "19"},
      {"address family not supported", "97"},
      {"socket operation on non-socket", "88"},
      {"network is unreachable", "101"},
      {"no route to host", "113"},
  };

  private Errno() {}

  /** The errno behind {@code failure} or one of its causes; 0 when none can be recovered. */
  public static int of(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      int errno = direct(t);
      if (errno != 0) {
        return errno;
      }
    }
    return 0;
  }

  private static int direct(Throwable t) {
    if (t instanceof Errors.NativeIoException) {
      return Math.abs(((Errors.NativeIoException) t).expectedErr());
    }
    if (t instanceof FileNotFoundException || t instanceof NoSuchFileException) {
      return ENOENT;
    }
    String message = t.getMessage();
    if (message != null) {
      Matcher m = NETTY_ERRNO.matcher(message);
      if (m.find()) {
        try {
          return Math.abs(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
      String lower = message.toLowerCase(Locale.ROOT);
      for (String[] entry : STRERROR) {
        if (lower.contains(entry[0])) {
          return Integer.parseInt(entry[1]);
        }
      }
    }
    if (t instanceof NoRouteToHostException) {
      return EHOSTUNREACH;
    }
    return 0;
  }

  /** A short symbolic name for log and error messages, e.g. {@code ECONNREFUSED}. */
  public static String name(int errno) {
    switch (errno) {
      case EPERM: return "EPERM";
      case ENOENT: return "ENOENT";
      case EAGAIN: return "EAGAIN";
      case EACCES: return "EACCES";
      case ENODEV: return "ENODEV";
      case EPIPE: return "EPIPE";
      case ENOTSOCK: return "ENOTSOCK";
      case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
      case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
      case EAFNOSUPPORT: return "EAFNOSUPPORT";
      case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
      case ENETUNREACH: return "ENETUNREACH";
      case ECONNRESET: return "ECONNRESET";
      case ETIMEDOUT: return "ETIMEDOUT";
      case ECONNREFUSED: return "ECONNREFUSED";
      case EHOSTUNREACH: return "EHOSTUNREACH";
      default: return errno == 0 ? "no errno" : "errno " + errno;
    }
  }
}
