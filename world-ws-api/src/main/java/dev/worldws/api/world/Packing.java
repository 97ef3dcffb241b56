package dev.worldws.api.world;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The byte form in which a {@link GrowingList} keeps its items: how a codec writes one item and reads it back.
 *
 * <p>Strings are Latin-1 when every char fits in a byte, else UTF-16, so any string (lone surrogates included)
 * reads back equal. Short strings that repeat across items (roles, senders, chat ids, map keys) can be written as
 * <em>names</em>: an index into a small table the list keeps, so they take a byte and read back as the same
 * instance. JSON-like values (maps, lists, strings, booleans, null, {@code Integer}, {@code Long}, {@code Double})
 * read back as the frozen values of {@link Extras}; any other value makes the item unpackable, and the list keeps it
 * as an object instead.
 */
final class Packing {
    private Packing() {}

    /**
     * Writes one item and reads one back. Implementations are stateless singletons.
     *
     * @param <E> the item type
     */
    interface Codec<E> {
        /** Writes {@code item} to {@code out}; false if some part of it has no byte form (then out is discarded). */
        boolean pack(E item, Packer out);

        /** Reads the item that {@link #pack} wrote. */
        E unpack(Unpacker in);

        /** How many names a list of these items keeps at most. */
        int names();

        /**
         * The group {@code item} belongs to, or null if this codec has none: a list keeps track of whether its items'
         * groups never decrease (and are all one), so that no one has to read its items to know.
         */
        default String group(E item) {
            return null;
        }

        /**
         * The group of the item that {@link #pack} wrote at {@code in}; a codec whose items' bytes begin with their
         * group reads just that, without building the item.
         */
        default String packedGroup(Unpacker in) {
            return group(unpack(in));
        }
    }

    private static final int UUID_CHARS = 36;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final byte NULL = 0;
    private static final byte TRUE = 1;
    private static final byte FALSE = 2;
    private static final byte STRING = 3;
    private static final byte NAME = 4;
    private static final byte INT = 5;
    private static final byte LONG = 6;
    private static final byte DOUBLE = 7;
    private static final byte MAP = 8;
    private static final byte LIST = 9;
    private static final byte ID = 10;

    /** Writes an item into a scratch array that grows as needed; a thread reuses one for every item. */
    static final class Packer {
        private static final int KEPT_BYTES = 16 * 1024;
        private static final ThreadLocal<Packer> OF_THREAD = ThreadLocal.withInitial(Packer::new);

        byte[] bytes = new byte[256];
        int length;
        private String[] names;
        private int nameCount;

        /** This thread's packer, emptied, writing names into {@code names} (of which {@code count} are in use). */
        static Packer start(String[] names, int count) {
            Packer packer = OF_THREAD.get();
            packer.length = 0;
            packer.names = names;
            packer.nameCount = count;
            return packer;
        }

        /** Lets go of the table and, after a long item, of the large scratch. */
        void finish() {
            names = null;
            if (bytes.length > KEPT_BYTES) {
                OF_THREAD.remove();
            }
        }

        /** How many names are in use now, those this item added included. */
        int nameCount() {
            return nameCount;
        }

        private void room(int more) {
            if (length + more > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
            }
        }

        void putByte(int value) {
            room(1);
            bytes[length++] = (byte) value;
        }

        void putVarint(long value) {
            room(10);
            while ((value & ~0x7FL) != 0) {
                bytes[length++] = (byte) ((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            bytes[length++] = (byte) value;
        }

        void putLong(long value) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (value >>> shift);
            }
        }

        void putInstant(Instant instant) {
            putLong(instant.getEpochSecond());
            putVarint(instant.getNano());
        }

        /** A string in full: its length and whether it is Latin-1, then its chars. */
        void putString(String text) {
            int chars = text.length();
            boolean latin1 = true;
            for (int i = 0; i < chars && latin1; i++) {
                latin1 = text.charAt(i) <= 0xFF;
            }
            putVarint(((long) chars << 1) | (latin1 ? 0 : 1));
            if (latin1) {
                room(chars);
                for (int i = 0; i < chars; i++) {
                    bytes[length++] = (byte) text.charAt(i);
                }
            } else {
                room(2 * chars);
                for (int i = 0; i < chars; i++) {
                    char c = text.charAt(i);
                    bytes[length++] = (byte) (c >>> 8);
                    bytes[length++] = (byte) c;
                }
            }
        }

        /**
         * An id: as 17 bytes and the name of its prefix when it is a prefix and a UUID in lower case (the form of
         * message ids, {@code msg-} and 36 characters), else in full.
         */
        void putId(String text) {
            int prefix = text.length() - UUID_CHARS;
            if (prefix < 0 || prefix > 16 || !isLowerCaseUuid(text, prefix)) {
                putByte(0);
                putString(text);
                return;
            }
            putByte(1);
            putNamePrefix(text, prefix);
            room(16);
            for (int i = prefix; i < text.length(); i += 2) {
                if (text.charAt(i) == '-') {
                    i--;
                    continue;
                }
                bytes[length++] = (byte) (hex(text.charAt(i)) << 4 | hex(text.charAt(i + 1)));
            }
        }

        private static boolean isLowerCaseUuid(String text, int from) {
            for (int i = 0; i < UUID_CHARS; i++) {
                char c = text.charAt(from + i);
                boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
                if (dash ? c != '-' : !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return false;
                }
            }
            return true;
        }

        private static int hex(char c) {
            return c <= '9' ? c - '0' : c - 'a' + 10;
        }

        /**
         * A string likely to repeat: the index of an equal name (one more than it), or 0 and the string in full when
         * the table has none and no room for it.
         */
        void putName(String text) {
            putNamePrefix(text, text.length());
        }

        /**
         * The first {@code length} chars of {@code text} as {@link #putName} puts them; matched against the table in
         * place, cut out of {@code text} only when they are a new name.
         */
        private void putNamePrefix(String text, int length) {
            for (int i = 0; i < nameCount; i++) {
                if (names[i].length() == length && text.startsWith(names[i])) {
                    putVarint(i + 1L);
                    return;
                }
            }
            String name = length == text.length() ? text : text.substring(0, length);
            if (nameCount < names.length && length <= 64) {
                names[nameCount++] = name;
                putVarint(nameCount);
                return;
            }
            putVarint(0);
            putString(name);
        }

        /** A frozen JSON-like map: its keys as names. False if a value has no byte form. */
        boolean putMap(Map<String, Object> map) {
            return putMap(map, key -> false, key -> false);
        }

        /**
         * A frozen JSON-like map: its keys as names, the string values of keys that {@code nameValues} picks as names
         * too, of keys that {@code idValues} picks as ids. False if a value has no byte form.
         */
        boolean putMap(Map<String, Object> map, Predicate<String> nameValues, Predicate<String> idValues) {
            putVarint(map.size());
            boolean[] packed = {true};
            map.forEach((key, value) -> {
                if (packed[0]) {
                    putName(key);
                    packed[0] = putValue(value, nameValues.test(key), idValues.test(key));
                }
            });
            return packed[0];
        }

        /** One JSON-like value; strings as names when {@code asName}, as ids when {@code asId}. */
        boolean putValue(Object value, boolean asName, boolean asId) {
            if (value == null) {
                putByte(NULL);
            } else if (asId && value instanceof String text) {
                putByte(ID);
                putId(text);
            } else if (value instanceof String text) {
                putByte(asName ? NAME : STRING);
                if (asName) {
                    putName(text);
                } else {
                    putString(text);
                }
            } else if (value instanceof Boolean flag) {
                putByte(flag ? TRUE : FALSE);
            } else if (value instanceof Integer number) {
                putByte(INT);
                putVarint(zigzag(number));
            } else if (value instanceof Long number) {
                putByte(LONG);
                putVarint(zigzag(number));
            } else if (value instanceof Double number) {
                putByte(DOUBLE);
                putLong(Double.doubleToRawLongBits(number));
            } else if (value instanceof Map<?, ?> map) {
                putByte(MAP);
                @SuppressWarnings("unchecked")
                Map<String, Object> frozen = (Map<String, Object>) map;
                return putMap(frozen);
            } else if (value instanceof List<?> list) {
                putByte(LIST);
                putVarint(list.size());
                for (Object item : list) {
                    if (!putValue(item, false, false)) {
                        return false;
                    }
                }
            } else {
                return false;
            }
            return true;
        }

        private static long zigzag(long value) {
            return (value << 1) ^ (value >> 63);
        }
    }

    /** Reads one packed item. */
    static final class Unpacker {
        private final byte[] bytes;
        private final String[] names;
        private int at;

        Unpacker(byte[] bytes, int from, String[] names) {
            this.bytes = bytes;
            this.at = from;
            this.names = names;
        }

        int getByte() {
            return bytes[at++];
        }

        long getVarint() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = bytes[at++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
        }

        long getLong() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (bytes[at++] & 0xFF);
            }
            return value;
        }

        Instant getInstant() {
            long seconds = getLong();
            return Instant.ofEpochSecond(seconds, getVarint());
        }

        String getString() {
            long header = getVarint();
            int chars = (int) (header >>> 1);
            if ((header & 1) == 0) {
                String text = new String(bytes, at, chars, StandardCharsets.ISO_8859_1);
                at += chars;
                return text;
            }
            char[] utf16 = new char[chars];
            for (int i = 0; i < chars; i++) {
                utf16[i] = (char) (((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF));
                at += 2;
            }
            return new String(utf16);
        }

        /** Reads what {@link #getString} would into {@code into}, in place. */
        void getText(PackedText into) {
            long header = getVarint();
            int chars = (int) (header >>> 1);
            boolean utf16 = (header & 1) != 0;
            into.bytes(bytes, at, chars, utf16);
            at += utf16 ? 2 * chars : chars;
        }

        /** Reads what {@link #getId} would into {@code into}, without a new string. */
        void getId(PackedText into) {
            if (bytes[at++] == 0) {
                getText(into);
                return;
            }
            String prefix = getName();
            char[] chars = into.charsFor(prefix.length() + UUID_CHARS);
            into.charsWritten(writeUuid(prefix, chars));
        }

        /** {@code prefix} and the 16 bytes of a uuid that follow as text into {@code chars}; how many were written. */
        private int writeUuid(String prefix, char[] chars) {
            prefix.getChars(0, prefix.length(), chars, 0);
            int to = prefix.length();
            for (int i = 0; i < 16; i++) {
                if (i == 4 || i == 6 || i == 8 || i == 10) {
                    chars[to++] = '-';
                }
                int b = bytes[at++] & 0xFF;
                chars[to++] = HEX[b >>> 4];
                chars[to++] = HEX[b & 0xF];
            }
            return to;
        }

        String getId() {
            if (bytes[at++] == 0) {
                return getString();
            }
            String prefix = getName();
            char[] chars = new char[prefix.length() + UUID_CHARS];
            return new String(chars, 0, writeUuid(prefix, chars));
        }

        String getName() {
            int index = (int) getVarint();
            return index == 0 ? getString() : names[index - 1];
        }

        Map<String, Object> getMap() {
            int size = (int) getVarint();
            if (size == 0) {
                return Map.of();
            }
            Object[] keysAndValues = new Object[2 * size];
            for (int i = 0; i < keysAndValues.length; i += 2) {
                keysAndValues[i] = getName();
                keysAndValues[i + 1] = getValue();
            }
            return Extras.frozenMap(keysAndValues);
        }

        Object getValue() {
            byte tag = bytes[at++];
            switch (tag) {
                case NULL:
                    return null;
                case TRUE:
                    return Boolean.TRUE;
                case FALSE:
                    return Boolean.FALSE;
                case STRING:
                    return getString();
                case NAME:
                    return getName();
                case ID:
                    return getId();
                case INT:
                    return (int) unzigzag(getVarint());
                case LONG:
                    return unzigzag(getVarint());
                case DOUBLE:
                    return Double.longBitsToDouble(getLong());
                case MAP:
                    return getMap();
                case LIST:
                    Object[] items = new Object[(int) getVarint()];
                    for (int i = 0; i < items.length; i++) {
                        items[i] = getValue();
                    }
                    return Extras.frozenList(items);
                default:
                    throw new IllegalStateException("corrupt packed value: tag " + tag);
            }
        }

        private static long unzigzag(long value) {
            return (value >>> 1) ^ -(value & 1);
        }
    }
}
