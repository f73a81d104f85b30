package org.cb4i.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.TcpConfig;
import io.vertx.core.spi.transport.Transport;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The header timeout (security.md PRX-11) for a cleartext listener with h2c on, where the proxy's own deadline comes
 * too late: Vert.x 5.2.3 creates such a connection, and calls the proxy's connection handler, only once the first
 * request's header section is complete (it looks for an h2c upgrade in it), so a client dripping that header a byte at a
 * time was never cut off. This puts a deadline on the TCP connection itself, before Vert.x sees it: a Netty handler
 * first in each accepted connection's pipeline of a guarded port closes it unless a blank line (the end of an HTTP/1
 * header section, or of the HTTP/2 preface's first part) arrives in time, and then leaves the pipeline. It is installed
 * through Vert.x's transport SPI, wrapping the transport in use and otherwise delegating every call to it.
 */
final class FirstHeaderDeadline implements io.vertx.core.transport.Transport {
    private final io.vertx.core.transport.Transport wrapped;
    private final Spi spi;
    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();
    private volatile Supplier<Duration> timeout = () -> Duration.ofSeconds(10);
    private volatile LongAdder closed = new LongAdder();

    FirstHeaderDeadline(io.vertx.core.transport.Transport wrapped) {
        this.wrapped = wrapped;
        this.spi = new Spi(wrapped.implementation());
    }

    /** Connections accepted on {@code port} from now on get the deadline; each one it closes is counted in {@code closed}. */
    void guard(int port, Supplier<Duration> headerTimeout, LongAdder closed) {
        this.timeout = headerTimeout;
        this.closed = closed;
        ports.add(port);
    }

    @Override
    public String name() {
        return wrapped.name();
    }

    @Override
    public boolean available() {
        return wrapped.available();
    }

    @Override
    public Throwable unavailabilityCause() {
        return wrapped.unavailabilityCause();
    }

    @Override
    public Transport implementation() {
        return spi;
    }

    /** On the listening socket: each connection it accepts on a guarded port gets a {@link Deadline} first. */
    @ChannelHandler.Sharable
    private final class OnAccept extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child && ctx.channel().localAddress() instanceof InetSocketAddress local && ports.contains(local.getPort())) {
                child.pipeline().addFirst("cb4i-first-header-deadline", new Deadline(Math.max(1, timeout.get().toMillis())));
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Closes its connection unless the end of a header section arrives within {@code ms} of it being registered; then
     * removes itself. The end is a blank line after a line with content: line ends are LF with an optional CR before
     * it, and what comes before the first content (blank lines, control characters, spaces) is skipped, as the HTTP/1
     * decoder skips it, so leading blank lines do not end the wait.
     */
    private final class Deadline extends ChannelInboundHandlerAdapter {
        private final long ms;
        private ScheduledFuture<?> timer;
        private boolean content;
        private boolean lineEnded;

        Deadline(long ms) {
            this.ms = ms;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            LongAdder counter = closed;
            timer = ctx.executor().schedule(() -> {
                counter.increment();
                ctx.close();
            }, ms, TimeUnit.MILLISECONDS);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (timer != null) {
                timer.cancel(false);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf && headerEndIn(buf)) {
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }

        private boolean headerEndIn(ByteBuf buf) {
            for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
                byte b = buf.getByte(i);
                if (!content) {
                    char c = (char) (b & 0xff);
                    content = !Character.isISOControl(c) && !Character.isWhitespace(c);
                } else if (b == '\n') {
                    if (lineEnded) {
                        return true;
                    }
                    lineEnded = true;
                } else if (b != '\r') {
                    lineEnded = false;
                }
            }
            return false;
        }
    }

    /** The wrapped transport, with {@link OnAccept} on every listening socket it makes. */
    private final class Spi implements Transport {
        private final Transport t;

        Spi(Transport t) {
            this.t = t;
        }

        @Override
        public void configure(TcpConfig config, boolean domainSocket, ServerBootstrap bootstrap) {
            t.configure(config, domainSocket, bootstrap);
            if (!domainSocket) {
                bootstrap.handler(new OnAccept());
            }
        }

        @Override
        public void configure(TcpConfig config, boolean domainSocket, Bootstrap bootstrap) {
            t.configure(config, domainSocket, bootstrap);
        }

        @Override
        public void configure(DatagramChannel channel, DatagramSocketOptions options) {
            t.configure(channel, options);
        }

        @Override
        public boolean supportsDomainSockets() {
            return t.supportsDomainSockets();
        }

        @Override
        public boolean supportFileRegion() {
            return t.supportFileRegion();
        }

        @Override
        public boolean isAvailable() {
            return t.isAvailable();
        }

        @Override
        public Throwable unavailabilityCause() {
            return t.unavailabilityCause();
        }

        @Override
        public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
            return t.convert(address);
        }

        @Override
        public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
            return t.convert(address);
        }

        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return t.ioHandlerFactory();
        }

        @Override
        public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
            return t.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
        }

        @Override
        @SuppressWarnings("deprecation")
        public DatagramChannel datagramChannel(InternetProtocolFamily family) {
            return t.datagramChannel(family);
        }

        @Override
        public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
            return t.datagramChannelFactory();
        }

        @Override
        public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
            return t.channelFactory(domainSocket);
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
            return t.serverChannelFactory(domainSocket);
        }
    }
}
