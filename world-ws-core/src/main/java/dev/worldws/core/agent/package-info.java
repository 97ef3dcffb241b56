/**
 * Agents: the reply rules that decide who answers a message, and the built-in offline responder.
 */
package dev.worldws.core.agent;
