/**
 * The wire protocol's vocabulary: message types in both directions, error codes and close codes, and the
 * payload records. {@code docs/protocol.md} is the normative description with an example of every message.
 */
package dev.worldws.api.protocol;
