package com.example.outside;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class outside the allowed packages whose constructor records that it ran: cached JSON naming it must never
 * instantiate it.
 */
public class Gadget {

	public static final AtomicInteger instances = new AtomicInteger();

	private String command = "";

	public Gadget() {
		instances.incrementAndGet();
	}

	public String getCommand() {
		return this.command;
	}

	public void setCommand(String command) {
		this.command = command;
	}

}
