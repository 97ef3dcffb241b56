/**
 * Identifiers and exceptions of world-ws.
 *
 * <p>Every identifier that may reach a file path ({@link dev.worldws.api.UserId}, {@link dev.worldws.api.WorldName},
 * {@link dev.worldws.api.TemplateName}, {@link dev.worldws.api.AgentId}) validates itself at construction.
 * Every exception extends {@link dev.worldws.api.WorldWsException} and carries the stable error code that the
 * wire protocol reports.
 */
package dev.worldws.api;
