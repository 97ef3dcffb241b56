/**
 * Built-in {@link dev.worldws.api.spi.Authenticator}s: {@link dev.worldws.core.auth.JwtAuthenticator} accepts
 * HS256-signed JWTs whose {@code sub} is the user id, so that any backend sharing the secret can mint tokens and
 * known users keep their worlds; {@link dev.worldws.core.auth.JwtTokens} mints such tokens.
 */
package dev.worldws.core.auth;
