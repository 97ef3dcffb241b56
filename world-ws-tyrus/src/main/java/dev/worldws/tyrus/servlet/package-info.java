/**
 * Deployment of world-ws in a servlet container (Jetty, Tomcat, any Jakarta EE server):
 * {@link dev.worldws.tyrus.servlet.WorldWsServletDeployment#deploy} from your own listener, or a subclass of
 * {@link dev.worldws.tyrus.servlet.WorldWsServletContextListener} that creates the engine.
 */
package dev.worldws.tyrus.servlet;
