/**
 * The world-ws test compatibility kit: abstract contract suites that every implementation of an SPI extends
 * unchanged ({@link dev.worldws.testkit.WorldStoreContract}, {@link dev.worldws.testkit.EventBusContract}), and
 * the fakes they use ({@link dev.worldws.testkit.RecordingSubscriber}, {@link dev.worldws.testkit.ManualClock},
 * {@link dev.worldws.testkit.SampleWorlds}), and the clients that drive a server like any client would
 * ({@link dev.worldws.testkit.RecordingClient}, over the JDK's WebSocket with {@link dev.worldws.testkit.JdkWebSockets}).
 */
package dev.worldws.testkit;
