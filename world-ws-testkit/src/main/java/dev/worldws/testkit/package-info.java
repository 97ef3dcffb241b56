/**
 * The world-ws test compatibility kit: abstract contract suites that every implementation of an SPI extends
 * unchanged ({@link dev.worldws.testkit.WorldStoreContract}, {@link dev.worldws.testkit.EventBusContract}), and
 * the fakes they use ({@link dev.worldws.testkit.RecordingSubscriber}, {@link dev.worldws.testkit.ManualClock},
 * {@link dev.worldws.testkit.SampleWorlds}).
 */
package dev.worldws.testkit;
