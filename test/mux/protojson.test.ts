/**
 * src/mux/protojson.ts by hand-written examples: the proto3 JSON mapping as Go's protojson writes
 * and reads it (test/mux/protojson-oracle.test.ts checks generated cases against Go itself).
 */
import * as protobuf from 'protobufjs';
import { MuxUsageError } from '../../src/mux/errors.js';
import { fromProtoJson, PROTO_JSON_MAX_DEPTH, toProtoJson } from '../../src/mux/protojson.js';
import { INTEROP_PROTO } from '../helpers/go.js';

const camelRoot = new protobuf.Root().loadSync(INTEROP_PROTO); // property names lowerCamelCase (protobufjs's default)
const keepRoot = new protobuf.Root().loadSync(INTEROP_PROTO, { keepCase: true }); // property names as in the .proto
const Order = camelRoot.lookupType('interop.Order');
const OrderKeep = keepRoot.lookupType('interop.Order');
const Long = protobuf.util.Long as unknown as { fromString(s: string, unsigned?: boolean): protobuf.Long };

type Obj = Record<string, unknown>;
const wkt = (name: string): protobuf.Type => camelRoot.lookupType(`google.protobuf.${name}`);
const write = (type: protobuf.Type, value: object, useProtoNames = true): string => toProtoJson(type, value, { useProtoNames });
const canon = (type: protobuf.Type, m: protobuf.Message<object>): Obj => type.toObject(m, { longs: String, bytes: String, enums: Number, defaults: false }) as Obj;

function refusal(f: () => unknown): MuxUsageError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(MuxUsageError);
    expect((err as MuxUsageError).code).toBe('ERR_MUX_PROTO');
    return err as MuxUsageError;
  }
  throw new Error('expected a MuxUsageError');
}

describe('field names', () => {
  test('nested snake_case input is read at every depth (the issue: ship_to.street_name was lost)', () => {
    const m = fromProtoJson(Order, '{"ship_to":{"street_name":"Main St"}}');
    expect(canon(Order, m)).toEqual({ shipTo: { streetName: 'Main St' } });
    const k = fromProtoJson(OrderKeep, '{"ship_to":{"street_name":"Main St"}}');
    expect(canon(OrderKeep, k)).toEqual({ ship_to: { street_name: 'Main St' } });
  });

  test('proto names and JSON names are both read, mixed at every depth, whatever the root casing', () => {
    const json =
      '{"shipTo":{"street_name":"a","geoPoint":{"lat_deg":1.5,"lonDeg":-2}},"line_items":[{"skuCode":"s","gift_tags":["x"],"itemAttrs":{"k":"v"},"unit_price_micros":"-7"}],' +
      '"addresses_by_slot":{"3":{"houseNumber":4,"geo_point":{"latDeg":0.5}}},"customJsonName":"n"}';
    const want = {
      shipTo: { streetName: 'a', geoPoint: { latDeg: 1.5, lonDeg: -2 } },
      lineItems: [{ skuCode: 's', giftTags: ['x'], itemAttrs: { k: 'v' }, unitPriceMicros: '-7' }],
      addressesBySlot: { 3: { houseNumber: 4, geoPoint: { latDeg: 0.5 } } },
      nameWithJsonName: 'n',
    };
    expect(canon(Order, fromProtoJson(Order, json))).toEqual(want);
    const k = fromProtoJson(OrderKeep, json);
    expect(toProtoJson(OrderKeep, k)).toBe(toProtoJson(Order, fromProtoJson(Order, json)));
    expect(toProtoJson(OrderKeep, k)).toBe(
      '{"ship_to":{"street_name":"a","geo_point":{"lat_deg":1.5,"lon_deg":-2}},"line_items":[{"sku_code":"s","unit_price_micros":"-7","gift_tags":["x"],"item_attrs":{"k":"v"}}],' +
        '"addresses_by_slot":{"3":{"house_number":4,"geo_point":{"lat_deg":0.5}}},"name_with_json_name":"n"}',
    );
    expect(toProtoJson(OrderKeep, k, { useProtoNames: false })).toBe(
      '{"shipTo":{"streetName":"a","geoPoint":{"latDeg":1.5,"lonDeg":-2}},"lineItems":[{"skuCode":"s","unitPriceMicros":"-7","giftTags":["x"],"itemAttrs":{"k":"v"}}],' +
        '"addressesBySlot":{"3":{"houseNumber":4,"geoPoint":{"latDeg":0.5}}},"customJsonName":"n"}',
    );
  });

  test('json_name: written as customJsonName in JSON-name style; the camelCase of the proto name is not a name of the field', () => {
    expect(write(Order, { nameWithJsonName: 'x' }, false)).toBe('{"customJsonName":"x"}');
    expect(write(Order, { nameWithJsonName: 'x' }, true)).toBe('{"name_with_json_name":"x"}');
    expect(refusal(() => fromProtoJson(Order, '{"nameWithJsonName":"x"}')).message).toBe('interop.Order: $.nameWithJsonName: unknown field: interop.Order has no field named "nameWithJsonName"');
  });

  test('both names of one field, or one name twice, are refused', () => {
    expect(refusal(() => fromProtoJson(Order, '{"order_id":"a","orderId":"b"}')).message).toMatch(/^interop\.Order: \$\.orderId: duplicate field/);
    refusal(() => fromProtoJson(Order, '{"order_id":null,"orderId":"b"}'));
    refusal(() => fromProtoJson(Order, '{"ship_to":{"city":"a","city":"b"}}'));
    refusal(() => fromProtoJson(Order, '{"addresses_by_slot":{"1":{},"01":{}}}'));
  });
});

describe('writing', () => {
  test('declaration order, zero values omitted, oneof and optional members written even when default', () => {
    expect(write(Order, {})).toBe('{}');
    expect(write(Order, { orderId: '', customerId: 0, isPriority: false, totalAmount: 0, payloadBlob: new Uint8Array(0), lineItems: [], countersByName: {} })).toBe('{}');
    expect(write(Order, { explicitCount: 0, emailAddress: '', totalAmount: -0, status: 0 })).toBe('{"total_amount":-0,"explicit_count":0,"email_address":""}');
    expect(write(Order, { postalAddress: {}, shipTo: {}, nothing: {} })).toBe('{"ship_to":{},"postal_address":{},"nothing":{}}');
  });

  test('integers: 64-bit as strings (Long, number or string in), 32-bit as numbers', () => {
    const m = {
      customerId: Long.fromString('-9223372036854775808'),
      bigUnsigned: Long.fromString('18446744073709551615', true),
      fixedSixtyFour: '9007199254740993',
      signedFixed: -2147483648,
      smallSigned: 2147483647,
      auditIds: ['9223372036854775807', 1, -1],
    };
    expect(write(Order, m)).toBe(
      '{"customer_id":"-9223372036854775808","big_unsigned":"18446744073709551615","fixed_sixty_four":"9007199254740993","signed_fixed":-2147483648,"small_signed":2147483647,"audit_ids":["9223372036854775807","1","-1"]}',
    );
    expect(canon(Order, fromProtoJson(Order, '{"customer_id":1e3,"big_unsigned":"18446744073709551615","audit_ids":[1.5e1,"100e-2",-0]}'))).toEqual({
      customerId: '1000',
      bigUnsigned: '18446744073709551615',
      auditIds: ['15', '1', '0'],
    });
  });

  test('doubles and floats: shortest form, exponent thresholds, float32 precision, specials', () => {
    const d = (n: number): string => write(Order, { totalAmount: n });
    expect(d(0.1)).toBe('{"total_amount":0.1}');
    expect(d(1e21)).toBe('{"total_amount":1e+21}');
    expect(d(1e20)).toBe('{"total_amount":100000000000000000000}');
    expect(d(1e-7)).toBe('{"total_amount":1e-7}');
    expect(d(0.000001)).toBe('{"total_amount":0.000001}');
    expect(d(5e-324)).toBe('{"total_amount":5e-324}');
    expect(d(NaN)).toBe('{"total_amount":"NaN"}');
    expect(d(-Infinity)).toBe('{"total_amount":"-Infinity"}');
    const f = (n: number): string => write(Order, { discountRatio: n });
    expect(f(0.1)).toBe('{"discount_ratio":0.1}');
    expect(f(Math.fround(0.1))).toBe('{"discount_ratio":0.1}');
    expect(f(16777217)).toBe('{"discount_ratio":16777216}');
    expect(f(3.4028234663852886e38)).toBe('{"discount_ratio":3.4028235e+38}');
    expect(f(1.401298464324817e-45)).toBe('{"discount_ratio":1e-45}');
    expect(f(1e-7)).toBe('{"discount_ratio":1e-7}');
    expect(f(-1891741.25)).toBe('{"discount_ratio":-1891741.2}'); // halfway between two 8-digit forms: the even one
    expect(fromProtoJson<Obj>(Order, '{"discount_ratio":"NaN","total_amount":"-Infinity"}')).toMatchObject({ discountRatio: NaN, totalAmount: -Infinity });
    refusal(() => fromProtoJson(Order, '{"discount_ratio":1e39}'));
    refusal(() => fromProtoJson(Order, '{"total_amount":1e309}'));
  });

  test('strings: only ", \\ and control characters escaped (no HTML escaping, U+2028 raw)', () => {
    expect(write(Order, { orderId: '<a href="x">&</a>\u2028\u2029\u007f\u001f\n\t\u0000😀' })).toBe('{"order_id":"<a href=\\"x\\">&</a>\u2028\u2029\u007f\\u001f\\n\\t\\u0000😀"}');
    expect(refusal(() => write(Order, { orderId: 'a\ud800' })).message).toMatch(/^interop\.Order: \$\.order_id: .*unpaired surrogate/);
    refusal(() => fromProtoJson(Order, '{"order_id":"\\ud800"}'));
    expect(canon(Order, fromProtoJson(Order, '{"order_id":"\\ud83d\\ude00\\/"}'))).toEqual({ orderId: '😀/' });
  });

  test('bytes: standard base64 with padding out; standard or URL-safe, padded or not, in', () => {
    expect(write(Order, { payloadBlob: Buffer.from([0xfb, 0xff]) })).toBe('{"payload_blob":"+/8="}');
    for (const b64 of ['+/8=', '-_8=', '+/8', '-_8']) expect(canon(Order, fromProtoJson(Order, `{"payload_blob":"${b64}"}`))).toEqual({ payloadBlob: '+/8=' });
    for (const bad of ['+/8==', 'YQ=', 'Y', 'YQ==YQ==', 'Y Q==']) refusal(() => fromProtoJson(Order, `{"payload_blob":"${bad}"}`));
  });

  test('enums: by name, unknown numbers as numbers; read by name or number', () => {
    expect(write(Order, { status: 2, statusHistory: [1, 99, -1] }, false)).toBe('{"status":"STATUS_SUSPENDED","statusHistory":["STATUS_ACTIVE",99,-1]}');
    expect(canon(Order, fromProtoJson(Order, '{"status":3,"status_history":["STATUS_ACTIVE",7]}'))).toEqual({ status: 3, statusHistory: [1, 7] });
    refusal(() => fromProtoJson(Order, '{"status":"status_active"}'));
    refusal(() => fromProtoJson(Order, '{"status":"1"}'));
  });

  test('maps: keys sorted as Go sorts them (false < true, integers numerically, strings by UTF-8 bytes)', () => {
    const m = {
      flagNames: { true: 't', false: 'f' },
      addressesBySlot: { 10: {}, 2: {}, '-1': {} },
      statusById: { '18446744073709551615': 1, 9: 2 },
      countersByName: { '\u{1F600}': 1, '\uE000': 2, b: 3, B: 4, '': 5 },
    };
    expect(write(Order, m)).toBe(
      '{"counters_by_name":{"":"5","B":"4","b":"3","\uE000":"2","\u{1F600}":"1"},"addresses_by_slot":{"-1":{},"2":{},"10":{}},"flag_names":{"false":"f","true":"t"},"status_by_id":{"9":"STATUS_SUSPENDED","18446744073709551615":"STATUS_ACTIVE"}}',
    );
    // decoded messages key 64-bit maps by protobufjs's 8-character hash; the output is the same
    expect(write(Order, Order.decode(Order.encode(Order.fromObject(m)).finish()))).toBe(write(Order, m));
  });
});

describe('well-known types', () => {
  test('Timestamp: RFC 3339 in UTC with 0, 3, 6 or 9 fraction digits, years 1 to 9999', () => {
    const ts = (seconds: string, nanos: number): string => write(Order, { createdAt: { seconds: Long.fromString(seconds), nanos } });
    expect(ts('-62135596800', 0)).toBe('{"created_at":"0001-01-01T00:00:00Z"}');
    expect(ts('253402300799', 999999999)).toBe('{"created_at":"9999-12-31T23:59:59.999999999Z"}');
    expect(ts('951782400', 500000000)).toBe('{"created_at":"2000-02-29T00:00:00.500Z"}');
    expect(ts('0', 1000)).toBe('{"created_at":"1970-01-01T00:00:00.000001Z"}');
    refusal(() => ts('253402300800', 0));
    refusal(() => ts('0', -1));
    expect(canon(Order, fromProtoJson(Order, '{"created_at":"2000-01-01T01:30:00.25+01:30"}'))).toEqual({ createdAt: { seconds: '946684800', nanos: 250000000 } });
    for (const bad of ['2021-02-29T00:00:00Z', '2020-01-01T00:00:00', '2020-01-01T00:00:00.1234567891Z', '0000-12-31T23:59:59Z', '2020-01-01T00:00:00z']) {
      refusal(() => fromProtoJson(Order, `{"created_at":"${bad}"}`));
    }
  });

  test('Duration: seconds with 0/3/6/9 fraction digits and "s", negative, ±315576000000 s', () => {
    const du = (seconds: string, nanos: number): string => write(Order, { ttl: { seconds: Long.fromString(seconds), nanos } });
    expect(du('0', -500000000)).toBe('{"ttl":"-0.500s"}');
    expect(du('-315576000000', 0)).toBe('{"ttl":"-315576000000s"}');
    expect(du('1', 1)).toBe('{"ttl":"1.000000001s"}');
    expect(du('0', 0)).toBe('{"ttl":"0s"}');
    refusal(() => du('1', -1));
    refusal(() => du('315576000001', 0));
    expect(canon(Order, fromProtoJson(Order, '{"ttl":"-1.5s"}'))).toEqual({ ttl: { seconds: '-1', nanos: -500000000 } });
    for (const bad of ['1', '1.0000000001s', '315576000001s', '01s', '1 s']) refusal(() => fromProtoJson(Order, `{"ttl":"${bad}"}`));
  });

  test('wrappers are their bare value, the zero value included', () => {
    const cases: [string, object, string][] = [
      ['DoubleValue', { value: 1.5 }, '1.5'],
      ['FloatValue', { value: 0.1 }, '0.1'],
      ['Int64Value', { value: '-5' }, '"-5"'],
      ['UInt64Value', { value: '18446744073709551615' }, '"18446744073709551615"'],
      ['Int32Value', { value: -5 }, '-5'],
      ['UInt32Value', { value: 4294967295 }, '4294967295'],
      ['BoolValue', {}, 'false'],
      ['StringValue', {}, '""'],
      ['BytesValue', { value: Buffer.from('a') }, '"YQ=="'],
    ];
    for (const [name, value, json] of cases) {
      expect(write(wkt(name), value)).toBe(json);
      expect(write(wkt(name), fromProtoJson(wkt(name), json))).toBe(json);
    }
    expect(write(Order, { note: {}, wrappedBool: { value: true } })).toBe('{"note":"","wrapped_bool":true}');
    refusal(() => fromProtoJson(wkt('StringValue'), 'null'));
  });

  test('Struct, Value and ListValue are plain JSON; null is a Value, and "unset" elsewhere', () => {
    const json = '{"extra":{"b":[1,"x",true,null,{}],"a":{"n":-0.5}},"dynamic_value":null,"list_value":[[],{"k":null}],"value_map":{"z":"s","a":1e21}}';
    const m = fromProtoJson(Order, json);
    expect(write(Order, m)).toBe('{"extra":{"a":{"n":-0.5},"b":[1,"x",true,null,{}]},"dynamic_value":null,"list_value":[[],{"k":null}],"value_map":{"a":1e+21,"z":"s"}}');
    expect(canon(Order, fromProtoJson(Order, '{"ship_to":null,"extra":null,"email_address":null,"phone_number":"1"}'))).toEqual({ phoneNumber: '1' });
    expect(refusal(() => write(Order, { dynamicValue: { numberValue: NaN } })).message).toMatch(/^interop\.Order: \$\.dynamic_value: .*NaN/);
    refusal(() => write(Order, { dynamicValue: {} }));
  });

  test('Any: the embedded message with "@type", or "value" for a well-known type; Empty as {}', () => {
    const LineItem = camelRoot.lookupType('interop.LineItem');
    const li = { type_url: 'type.googleapis.com/interop.LineItem', value: LineItem.encode(LineItem.fromObject({ skuCode: 'S', quantity: 2 })).finish() };
    expect(write(Order, { detail: li })).toBe('{"detail":{"@type":"type.googleapis.com/interop.LineItem","sku_code":"S","quantity":2}}');
    expect(write(Order, { detail: li }, false)).toBe('{"detail":{"@type":"type.googleapis.com/interop.LineItem","skuCode":"S","quantity":2}}');
    const Timestamp = wkt('Timestamp');
    const ts = { type_url: 'type.googleapis.com/google.protobuf.Timestamp', value: Timestamp.encode(Timestamp.fromObject({ seconds: 1 })).finish() };
    expect(write(Order, { detail: ts })).toBe('{"detail":{"@type":"type.googleapis.com/google.protobuf.Timestamp","value":"1970-01-01T00:00:01Z"}}');
    expect(write(Order, { detail: { type_url: 'type.googleapis.com/google.protobuf.Empty' } })).toBe('{"detail":{"@type":"type.googleapis.com/google.protobuf.Empty"}}');
    expect(write(Order, { detail: {} })).toBe('{"detail":{}}');
    for (const json of ['{"detail":{"@type":"type.googleapis.com/interop.LineItem","sku_code":"S","quantity":2}}', '{"detail":{"@type":"type.googleapis.com/google.protobuf.Timestamp","value":"1970-01-01T00:00:01Z"}}']) {
      expect(write(Order, fromProtoJson(Order, json))).toBe(json);
    }
    expect(refusal(() => write(Order, { detail: { type_url: 'type.googleapis.com/interop.Nope', value: new Uint8Array([8]) } })).message).toMatch(/^interop\.Order: \$\.detail: .*unable to resolve/);
    refusal(() => fromProtoJson(Order, '{"detail":{"@type":"type.googleapis.com/interop.Nope"}}'));
    refusal(() => fromProtoJson(Order, '{"detail":{"street_name":"x"}}'));
    refusal(() => fromProtoJson(Order, '{"detail":{"@type":"type.googleapis.com/google.protobuf.Timestamp"}}'));
    // a separate resolver
    const other = protobuf.parse('syntax = "proto3"; package other; message Ping { string id = 1; }').root;
    const Ping = other.lookupType('other.Ping');
    const ping = { type_url: 'example.com/other.Ping', value: Ping.encode(Ping.fromObject({ id: 'p' })).finish() };
    refusal(() => write(Order, { detail: ping }));
    expect(toProtoJson(Order, { detail: ping }, { resolver: other })).toBe('{"detail":{"@type":"example.com/other.Ping","id":"p"}}');
  });

  test('FieldMask: lowerCamelCase paths joined by commas; irreversible paths refused', () => {
    expect(write(Order, { updateMask: { paths: ['ship_to.street_name', 'order_id'] } })).toBe('{"update_mask":"shipTo.streetName,orderId"}');
    refusal(() => write(Order, { updateMask: { paths: ['fooBar'] } }));
    refusal(() => write(Order, { updateMask: { paths: ['foo__bar'] } }));
    expect(canon(Order, fromProtoJson(Order, '{"update_mask":" shipTo.streetName,orderId "}'))).toEqual({ updateMask: { paths: ['ship_to.street_name', 'order_id'] } });
    refusal(() => fromProtoJson(Order, '{"update_mask":"ship_to"}'));
    refusal(() => fromProtoJson(Order, '{"update_mask":"a,,b"}'));
  });

  test('Empty is {} and holds no field', () => {
    expect(write(Order, { nothing: {} })).toBe('{"nothing":{}}');
    refusal(() => fromProtoJson(Order, '{"nothing":{"a":1}}'));
  });
});

describe('refusals', () => {
  test('errors name the type and the JSON path, and say what is expected', () => {
    const msg = (json: string): string => refusal(() => fromProtoJson(Order, json)).message;
    expect(msg('{"ship_to":{"nope":1}}')).toBe('interop.Order: $.ship_to.nope: unknown field: interop.Address has no field named "nope"');
    expect(msg('{"line_items":[{},{"quantity":"x"}]}')).toBe('interop.Order: $.line_items[1].quantity: invalid value for int32: the string "x"');
    expect(msg('{"small_signed":2147483648}')).toBe('interop.Order: $.small_signed: invalid value for int32: the number 2147483648 is not an integer in range');
    expect(msg('{"addresses_by_slot":{"7":{"geo_point":{"lat_deg":true}}}}')).toBe('interop.Order: $.addresses_by_slot["7"].geo_point.lat_deg: invalid value for double: true');
    expect(msg('{"email_address":"a","phone_number":"b"}')).toBe('interop.Order: $.phone_number: oneof contact is already set (by another of its fields)');
    expect(msg('{"is_priority":"true"}')).toMatch(/^interop\.Order: \$\.is_priority: invalid value for bool/);
  });

  test('not JSON, trailing data, invalid UTF-8 and the wrong top-level type are refused', () => {
    for (const bad of ['', '{', '{}{}', '{} x', '[]', 'null', '{"order_id":"a",}', '\uFEFF{}', "{'a':1}"]) refusal(() => fromProtoJson(Order, bad));
    refusal(() => fromProtoJson(Order, Buffer.from([0x7b, 0x22, 0x6f, 0x72, 0x64, 0x65, 0x72, 0x5f, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])));
    expect(canon(Order, fromProtoJson(Order, Buffer.from(' {"order_id":"é"}\n')))).toEqual({ orderId: 'é' });
  });

  test(`nesting deeper than ${PROTO_JSON_MAX_DEPTH} messages is refused, never a stack overflow`, () => {
    const nested = (levels: number): string => `{"extra":${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}}`;
    expect(() => fromProtoJson(Order, nested(40))).not.toThrow();
    expect(refusal(() => fromProtoJson(Order, nested(60))).message).toMatch(/deeper than 100/);
    expect(refusal(() => fromProtoJson(Order, '['.repeat(1_000_000))).message).toMatch(/deeper than/);
    expect(refusal(() => fromProtoJson(Order, `{"extra":${'{"a":'.repeat(100_000)}`)).message).toMatch(/deeper than/);
    // writing: a Value nested 200 levels (built directly, protobufjs's fromObject would refuse it)
    const Value = wkt('Value');
    const Struct = wkt('Struct');
    let v: object = Value.create({ numberValue: 1 });
    for (let i = 0; i < 200; i++) v = Value.create({ structValue: Struct.create({ fields: { a: v } }) });
    expect(refusal(() => toProtoJson(Value, v)).message).toMatch(/deeper than 100/);
  });

  test('a plain object is converted with fromObject first; one it refuses is a MuxUsageError', () => {
    expect(write(Order, { orderId: 'x', customerId: '5', status: 'STATUS_ACTIVE', payloadBlob: 'YQ==' })).toBe('{"order_id":"x","customer_id":"5","status":"STATUS_ACTIVE","payload_blob":"YQ=="}');
    refusal(() => write(Order, { shipTo: 5 }));
  });

  test('fromProtoJson gives a protobufjs message of the type, which encodes as Go would', () => {
    const m = fromProtoJson(Order, '{"order_id":"x","explicit_count":0,"line_items":[{"quantity":1}]}');
    expect(m).toBeInstanceOf(Order.ctor);
    expect(Buffer.from(Order.encode(m).finish()).toString('hex')).toBe('0a0178' + '2a021001' + 'a80100'); // order_id, line_items, explicit_count = 0 (set: proto3 optional)
  });
});
