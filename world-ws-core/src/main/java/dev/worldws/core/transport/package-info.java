/** An in-memory transport: clients connected to an engine in the same process, without sockets. */
package dev.worldws.core.transport;
