package dev.chat.domain.model;

/**
 * Checks of short ASCII identifiers (room names, session tokens, nicknames) by a loop over their characters. A regex
 * matcher per check was a visible share of a connect and of a posted message, and one of the larger compilations while
 * the first clients connect (docs/performance-log.md).
 */
final class AsciiWords {
    /** Which characters a word may hold. */
    @FunctionalInterface
    interface Allowed {
        boolean test(char c);
    }

    static final Allowed LETTERS_AND_DIGITS = AsciiWords::isLetterOrDigit;
    static final Allowed LETTERS_DIGITS_DASH_UNDERSCORE = c -> isLetterOrDigit(c) || c == '-' || c == '_';
    static final Allowed LOWER_CASE_DIGITS_DASH_UNDERSCORE =
            c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';

    private AsciiWords() {}

    /** {@code value} has {@code minLength} to {@code maxLength} characters, each of them allowed. */
    static boolean isWord(String value, int minLength, int maxLength, Allowed allowed) {
        if (value == null || value.length() < minLength || value.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!allowed.test(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
