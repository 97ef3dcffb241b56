/**
 * The Java client for world-ws servers: {@link dev.worldws.tyrus.client.WorldWsClient} with typed requests
 * answered by futures, event listeners, automatic reconnect with exponential backoff and full jitter, and resume
 * of the selected world from the last sequence number seen.
 */
package dev.worldws.tyrus.client;
