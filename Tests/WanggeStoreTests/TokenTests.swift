import Foundation
import Testing
@testable import WanggeStore

@Suite struct TokenTests {
    /// FIPS 180-4 / NIST example vectors.
    @Test func sha256MatchesTheStandardVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func tokensAreStoredAsDigestsAndRevoked() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = try store.createToken(name: "intake", role: .operator)
        #expect(token.hasPrefix("wg_") && token.count == 67)
        #expect(try store.database.scalar("SELECT count(*) FROM tokens WHERE sha256 = ?1", [.text(token)]).int == 0)
        #expect(try store.activeTokenRoles() == [SHA256.hex(Array(token.utf8)): .operator])
        #expect(throws: TokenError.self) { try store.createToken(name: "intake", role: .reader) }
        try store.revokeToken(name: "intake")
        #expect(try store.activeTokenRoles().isEmpty)
        #expect(try store.tokens().map(\.name) == ["intake"])
        #expect(try store.tokens().first?.revokedAt != nil)
        #expect(throws: TokenError.self) { try store.revokeToken(name: "intake") }
        #expect(Role.reader < .operator && .operator < .admin)
    }
}
