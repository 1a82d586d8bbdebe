package io.cachestarter.test.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis in a {@code redis:7} container, with faults injected through the Docker API.
 *
 * <p>
 * Only loaded once {@link DockerProbe} has found a Docker engine, so machines without one never touch
 * Testcontainers. The host port is fixed (and bound to loopback only) so that a restarted container comes back on
 * the same port; Testcontainers' own reaper removes the container if the JVM dies.
 */
final class ContainerRedis implements ServerControl {

	private static final DockerImageName IMAGE = DockerImageName.parse("redis:7");

	private static final int CONTAINER_PORT = 6379;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final GenericContainer<?> container;

	private final int port;

	private boolean paused;

	private ContainerRedis(GenericContainer<?> container, int port) {
		this.container = container;
		this.port = port;
	}

	@SuppressWarnings("resource") // closed by close()
	static ContainerRedis start(List<String> extraArgs) {
		int port = FreePorts.next();
		List<String> command = new ArrayList<>(
				List.of("redis-server", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
		command.addAll(extraArgs);
		GenericContainer<?> container = new GenericContainer<>(IMAGE).withExposedPorts(CONTAINER_PORT)
			.withCommand(command.toArray(String[]::new))
			.withCreateContainerCmdModifier((create) -> create.getHostConfig()
				.withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort(LocalRedisProcess.HOST, port),
						ExposedPort.tcp(CONTAINER_PORT))))
			.waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
		container.start();
		ContainerRedis redis = new ContainerRedis(container, port);
		redis.awaitPing();
		return redis;
	}

	@Override
	public String host() {
		return LocalRedisProcess.HOST;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String uri() {
		return "redis://" + LocalRedisProcess.HOST + ":" + this.port;
	}

	@Override
	public boolean supportsFaults() {
		return true;
	}

	@Override
	public synchronized void kill() {
		unpauseIfPaused();
		if (isRunning()) {
			docker().killContainerCmd(id()).exec();
			if (!Poll.await(TIMEOUT, () -> !isRunning())) {
				throw new IllegalStateException("Container " + id() + " still runs after docker kill");
			}
		}
	}

	@Override
	public synchronized void pause() {
		docker().pauseContainerCmd(id()).exec();
		this.paused = true;
	}

	@Override
	public synchronized void resume() {
		unpauseIfPaused();
		awaitPing();
	}

	@Override
	public synchronized void restart() {
		kill();
		docker().startContainerCmd(id()).exec();
		awaitPing();
	}

	@Override
	public synchronized void recover() {
		if (this.paused) {
			resume();
		}
		else if (!isRunning()) {
			restart();
		}
	}

	@Override
	public synchronized void close() {
		if (this.container.getContainerId() != null) {
			unpauseIfPaused();
			this.container.stop();
		}
	}

	private void unpauseIfPaused() {
		if (this.paused) {
			docker().unpauseContainerCmd(id()).exec();
			this.paused = false;
		}
	}

	private boolean isRunning() {
		return Boolean.TRUE.equals(docker().inspectContainerCmd(id()).exec().getState().getRunning());
	}

	private void awaitPing() {
		if (!Poll.await(TIMEOUT, () -> RespProbe.answersPing(LocalRedisProcess.HOST, this.port))) {
			throw new IllegalStateException("Redis container on port " + this.port + " did not answer PING:\n"
					+ this.container.getLogs());
		}
	}

	private DockerClient docker() {
		return this.container.getDockerClient();
	}

	private String id() {
		return this.container.getContainerId();
	}

}
