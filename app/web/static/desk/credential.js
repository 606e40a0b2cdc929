// A card's QR credential checked in the browser, as cards/ makes it and the command-line
// verifier (cards/verifier.py) checks it: Base45 -> zlib -> COSE_Sign1 (Ed25519) over CWT claims
// with MOSIP Claim 169; the revocation list an IETF Token Status List CWT. Nothing is trusted
// before its signature is checked against the published key set.
import { decode, encode } from "/static/vendor/cborg/cborg.js";
import { verifyAsync } from "/static/vendor/noble-ed25519/index.js";

var B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
var COSE_SIGN1 = 18, ALG = 1, KID = 4, TYP = 16, EDDSA = -8;
var STATUS_LIST_TYPE = "application/statuslist+cwt";

export function base45(text) {
  var out = [];
  for (var i = 0; i < text.length; i += 3) {
    var chunk = text.slice(i, i + 3), n = 0;
    for (var j = chunk.length - 1; j >= 0; j--) {
      var v = B45.indexOf(chunk[j]);
      if (v < 0) throw new Error("malformed");
      n = n * 45 + v;
    }
    if (chunk.length === 3) {
      if (n > 0xffff) throw new Error("malformed");
      out.push(n >> 8, n & 0xff);
    } else if (chunk.length === 2) {
      if (n > 0xff) throw new Error("malformed");
      out.push(n);
    } else {
      throw new Error("malformed");
    }
  }
  return new Uint8Array(out);
}

async function inflate(bytes) {
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function b64url(bytes) {
  var s = "";
  bytes.forEach(function (b) { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text) {
  var s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, function (c) { return c.charCodeAt(0); });
}

function cbor(bytes) {
  var tags = {};
  tags[COSE_SIGN1] = function (content) { return { sign1: content() }; };
  return decode(bytes, { useMaps: true, tags: tags });
}

async function ed25519(publicKey, message, signature) {
  try {
    var key = await crypto.subtle.importKey(
      "raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch (e) {
    // A browser without Ed25519 in WebCrypto: the maintained @noble/ed25519 instead.
    return verifyAsync(signature, message, publicKey);
  }
}

// A tagged COSE_Sign1 whose Ed25519 signature one of the published keys made: its payload map.
async function verifiedPayload(bytes, jwks, typ) {
  var outer = cbor(bytes);
  if (!outer || !outer.sign1 || outer.sign1.length !== 4) throw new Error("malformed");
  var protectedBytes = outer.sign1[0], payload = outer.sign1[2], signature = outer.sign1[3];
  var header = cbor(protectedBytes);
  if (!(header instanceof Map) || header.get(ALG) !== EDDSA) throw new Error("unsupported_algorithm");
  if (typ && header.get(TYP) !== typ) throw new Error("malformed");
  var kid = b64url(header.get(KID));
  var message = encode(["Signature1", protectedBytes, new Uint8Array(0), payload]);
  var candidates = (jwks.keys || []).filter(function (k) {
    return k.kty === "OKP" && k.crv === "Ed25519" && k.kid === kid;
  });
  if (!candidates.length) throw new Error("unknown_key");
  for (var i = 0; i < candidates.length; i++) {
    if (await ed25519(fromB64url(candidates[i].x), message, signature)) return cbor(payload);
  }
  throw new Error("bad_signature");
}

function day(yyyymmdd) {
  return yyyymmdd.slice(0, 4) + "-" + yyyymmdd.slice(4, 6) + "-" + yyyymmdd.slice(6, 8);
}

// The card's claims when the QR is one the city signed; throws with a reason otherwise.
export async function readCard(text, jwks) {
  var claims = await verifiedPayload(await inflate(base45(text.trim())), jwks, null);
  var identity = claims.get(169), status = claims.get(65535);
  var entry = status && status.get("status_list");
  if (!(identity instanceof Map) || !(entry instanceof Map)) throw new Error("malformed");
  return {
    givenName: identity.get(5) || "",
    familyName: identity.get(7),
    dateOfBirth: day(identity.get(8)),
    expiresAt: new Date(claims.get(4) * 1000),
    statusUri: entry.get("uri"),
    statusIndex: entry.get("idx"),
  };
}

// A Status List Token checked against the key set: its subject, issue and expiry times, bits.
export async function readStatusList(bytes, jwks) {
  var claims = await verifiedPayload(bytes, jwks, STATUS_LIST_TYPE);
  var body = claims.get(65533);
  var bits = body.get("bits");
  var data = await inflate(body.get("lst"));
  return {
    uri: claims.get(2),
    issuedAt: new Date(claims.get(6) * 1000),
    expiresAt: new Date(claims.get(4) * 1000),
    status: function (index) {
      var bit = index * bits, mask = (1 << bits) - 1;
      var byte = bit >> 3;
      if (byte >= data.length) throw new Error("malformed");
      return (data[byte] >> (bit & 7)) & mask;
    },
  };
}
