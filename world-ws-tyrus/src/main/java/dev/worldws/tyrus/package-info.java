/**
 * world-ws on Jakarta WebSocket: {@link dev.worldws.tyrus.WorldWsEndpoints#config} deploys the endpoint in any
 * Jakarta container (Tyrus, Jetty, Tomcat), {@link dev.worldws.tyrus.WorldWsServer} runs it standalone on
 * Tyrus/Grizzly with plain HTTP routes on the same port, and {@link dev.worldws.tyrus.servlet} registers it in a
 * servlet container.
 */
package dev.worldws.tyrus;
