/**
 * World events: a sealed hierarchy over four channels (message, stream, world, system). Each event names its
 * world, chat, per-world sequence number and time. The event bus sequences them; the core maps them to wire
 * messages.
 */
package dev.worldws.api.event;
