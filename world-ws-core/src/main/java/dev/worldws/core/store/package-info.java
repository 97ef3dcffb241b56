/**
 * World stores: the file store ({@link dev.worldws.core.store.WorldStores#files}), agent-world's folder format
 * with atomic writes and read-only templates, and the in-memory store
 * ({@link dev.worldws.core.store.WorldStores#inMemory}). See {@code docs/storage.md}.
 */
package dev.worldws.core.store;
