package io.fleetscaler.daemon.logging;

/**
 * Text from outside (keys, group names, configuration keys and values) made safe to print on one
 * log line: control characters (line breaks included), bidirectional controls, and invisible or
 * unassigned code points are shown as {@code \\u{XXXX}} escapes, so no input can forge a log line,
 * reorder one on screen, or hide a difference between two names.
 */
public interface Printable {

  /** {@code s} with every character that {@link #safe(int)} refuses escaped; a backslash too. */
  static String escape(String s) {
    boolean clean = true;
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (!safe(c) || c == '\\') {
        clean = false;
        break;
      }
      i += Character.charCount(c);
    }
    if (clean) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (c == '\\') {
        b.append("\\\\");
      } else if (safe(c)) {
        b.appendCodePoint(c);
      } else {
        b.append("\\u{")
            .append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT))
            .append('}');
      }
      i += Character.charCount(c);
    }
    return b.toString();
  }

  /** Whether {@code s} holds no character {@link #safe(int)} refuses. */
  static boolean isSafe(String s) {
    return s.codePoints().allMatch(Printable::safe);
  }

  /**
   * Whether code point {@code c} prints as itself: not a control (C0, DEL, C1), not a format
   * character (bidi controls, zero-width joiners and spaces, the BOM), not a line or paragraph
   * separator, not a lone surrogate, not private-use or unassigned.
   */
  static boolean safe(int c) {
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE,
          Character.PRIVATE_USE,
          Character.UNASSIGNED ->
          false;
      default -> c != 0x115F && c != 0x1160 && c != 0x3164 && c != 0xFFA0; // Hangul fillers
    };
  }
}
