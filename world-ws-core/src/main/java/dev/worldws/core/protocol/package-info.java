/**
 * The wire protocol's codec: client frames to typed requests with precise errors, server messages to frames, and
 * the mapping from world events to server messages.
 */
package dev.worldws.core.protocol;
