/**
 * The stored shape of a world, as immutable records that mirror agent-world's on-disk format: a world's
 * {@code config.json}, each agent's {@code config.json}, {@code system-prompt.md} and {@code memory.json},
 * {@code chats/} and {@code events/}. Fields a record does not model are kept in its {@code extra} map, so
 * files written by other systems survive a round trip unchanged.
 */
package dev.worldws.api.world;
