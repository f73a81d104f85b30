package org.cb4i.proxy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range, e.g. {@code 10.0.0.0/8} or {@code ::1/128}; a bare address is a /32 or /128. */
public record Cidr(byte[] network, int prefix) {
    public static Cidr parse(String s) {
        String addr = s;
        int prefix = -1;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            addr = s.substring(0, slash);
            prefix = Integer.parseInt(s.substring(slash + 1));
        }
        if (!addr.matches("[0-9a-fA-F.:]+")) {
            throw new IllegalArgumentException("not an IP address range: \"" + s + "\"");
        }
        byte[] b;
        try {
            b = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address range: \"" + s + "\"");
        }
        if (prefix < 0) {
            prefix = b.length * 8;
        }
        if (prefix > b.length * 8) {
            throw new IllegalArgumentException("prefix /" + prefix + " is too long for " + addr);
        }
        return new Cidr(b, prefix);
    }

    /** Whether {@code address} (textual IP) is inside the range. */
    public boolean contains(String address) {
        byte[] a;
        try {
            if (address == null || !address.matches("[0-9a-fA-F.:]+")) {
                return false;
            }
            a = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (a[full] & mask) == (network[full] & mask);
    }
}
