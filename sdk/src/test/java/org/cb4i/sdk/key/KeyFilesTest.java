package org.cb4i.sdk.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.cb4i.sdk.MalformedInputException;
import org.cb4i.sdk.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void writeKeyPair_privateIsOwnerOnly_andPublicFilesHoldNoPrivateMember(KeyAlgorithm alg) throws Exception {
        SigningKey key = KeyFiles.generate(alg);
        KeyFiles.writeKeyPair(dir, key, false);

        assertThat(Files.getPosixFilePermissions(dir.resolve(KeyFiles.PRIVATE_JWK)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        for (String f : new String[] {KeyFiles.PUBLIC_JWK, KeyFiles.PUBLIC_JWKS}) {
            assertThat(Files.readString(dir.resolve(f))).doesNotContain("\"d\"").contains(key.thumbprint());
            assertThat(Files.getPosixFilePermissions(dir.resolve(f))).contains(PosixFilePermission.OTHERS_READ);
        }
        SigningKey back = KeyFiles.readSigningKey(dir.resolve(KeyFiles.PRIVATE_JWK));
        assertThat(back.thumbprint()).isEqualTo(key.thumbprint());
        assertThat(KeyFiles.readKeySet(dir.resolve(KeyFiles.PUBLIC_JWKS)).find(key.thumbprint())).isPresent();
        assertThat(KeyFiles.readKeySet(dir.resolve(KeyFiles.PUBLIC_JWK)).find(key.thumbprint())).isPresent();
        assertThat(Files.list(dir)).as("no temporary files left").hasSize(3);
    }

    @Test
    void writeKeyPair_existingKey_isNotOverwritten() throws Exception {
        SigningKey first = KeyFiles.generate(KeyAlgorithm.ED25519);
        KeyFiles.writeKeyPair(dir, first, false);
        assertThatThrownBy(() -> KeyFiles.writeKeyPair(dir, KeyFiles.generate(KeyAlgorithm.ED25519), false))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(KeyFiles.readSigningKey(dir.resolve(KeyFiles.PRIVATE_JWK)).thumbprint()).isEqualTo(first.thumbprint());
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void sign_thenVerify_roundTrips_andRejectsTampering(KeyAlgorithm alg) {
        SigningKey key = KeyFiles.generate(alg);
        byte[] data = "cb4i".getBytes(StandardCharsets.UTF_8);
        byte[] sig = key.sign(data);
        assertThat(key.publicKey().verify(data, sig)).isTrue();
        sig[10] ^= 1;
        assertThat(key.publicKey().verify(data, sig)).isFalse();
        assertThat(key.publicKey().verify(data, new byte[63])).isFalse();
        assertThat(key.publicKey().verify(data, new byte[64])).as("all-zero signature").isFalse();
    }

    @Test
    void readSigningKey_publicKeyFile_isRefusedNamingTheFile() throws Exception {
        KeyFiles.writeKeyPair(dir, KeyFiles.generate(KeyAlgorithm.ED25519), false);
        Path pub = dir.resolve(KeyFiles.PUBLIC_JWK);
        assertThatThrownBy(() -> KeyFiles.readSigningKey(pub))
                .isInstanceOf(MalformedInputException.class)
                .hasMessageContaining(pub.toString()).hasMessageContaining("no private part")
                .extracting(e -> ((MalformedInputException) e).reason()).isEqualTo(Reason.MALFORMED_KEY);
    }

    @Test
    void readKeySet_notAKeyFile_givesAClearError() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "hello");
        assertThatThrownBy(() -> KeyFiles.readKeySet(f)).isInstanceOf(MalformedInputException.class).hasMessageContaining(f.toString());
        Path big = dir.resolve("big.jwks");
        Files.write(big, new byte[KeyFiles.MAX_KEY_FILE_BYTES + 1]);
        assertThatThrownBy(() -> KeyFiles.readKeySet(big)).isInstanceOf(MalformedInputException.class).hasMessageContaining("larger than");
    }

    @Test
    void signingKey_whosePrivatePartDoesNotMatch_isRefused() {
        String json = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
                + "\"x\":\"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs\"}";
        assertThatThrownBy(() -> SigningKey.fromJson(json)).isInstanceOf(MalformedInputException.class).hasMessageContaining("does not belong");
    }

    @Test
    void keySet_findsByThumbprintAndByDeclaredKid() {
        VerificationKey k = VerificationKey.fromJson("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"legacy-1\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}");
        KeySet set = KeySet.of(k);
        assertThat(set.find("legacy-1")).contains(k);
        assertThat(set.find("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")).contains(k);
        assertThat(set.find("other")).isEmpty();
        assertThat(Set.of(set.toJsonObject().toString())).allMatch(s -> s.contains("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"));
    }
}
