/**
 * Event buses: the in-process bus ({@link dev.worldws.core.bus.EventBuses#inProcess()}) that sequences each
 * world's events, keeps a short replay history and delivers synchronously, in order, to local subscribers.
 */
package dev.worldws.core.bus;
