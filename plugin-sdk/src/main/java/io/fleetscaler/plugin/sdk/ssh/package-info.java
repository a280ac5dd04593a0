/**
 * SSH credentials a plugin mints for one connection: a fresh Ed25519 key pair in the forms clouds
 * take (an OpenSSH {@code authorized_keys} line) and SSH clients read (PKCS#8 PEM). Plain JDK code,
 * no cloud SDK.
 */
@NullMarked
package io.fleetscaler.plugin.sdk.ssh;

import org.jspecify.annotations.NullMarked;
