/**
 * The plan's user functions as Java methods, on top of any {@link dev.worldws.api.spi.WorldStore}:
 * {@link dev.worldws.core.user.UserStorage} (a user's folder), {@link dev.worldws.core.user.WorldCloning}
 * (templates to private worlds) and {@link dev.worldws.core.user.UserManager} (sessions on those worlds).
 */
package dev.worldws.core.user;
