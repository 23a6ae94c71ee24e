/**
 * Conformance: bytes that Kafka 4.2.1's own compression code wrote, decoded by ours.
 *
 * The fixtures were produced once with the JVM (kafka-clients 4.2.1 and its lz4-java 1.10.1,
 * snappy-java 1.1.10.7, zstd-jni 1.5.6-10 from .kafka/kafka-4.2.1/libs) through
 * `Compression.<codec>().level(L).build().wrapForOutput(ByteBufferOutputStream, RecordBatch.MAGIC_VALUE_V2)`,
 * i.e. exactly the streams the Java producer puts in a record batch, and are embedded here
 * (gzip'd, base64) so this test needs no JVM. The inputs are {@link goldenRecords}: 30 records
 * (1,880 bytes) and 1,100 records (70,471 bytes: two 32 KiB xerial chunks + 1, two 64 KiB LZ4
 * blocks, a multi-block zstd frame). The other direction (Java reading what we write) was checked
 * with the same JVM classes when the codecs were written; the permanent check of both directions
 * goes through the record-batch layer and the JVM oracle.
 *
 * It also pins the framing facts our writer copies from Java: the LZ4 frame descriptor, the
 * xerial header, and that Java's zstd frames carry no content size.
 */
import * as zlib from 'node:zlib';
import { CompressionType, type CompressionTypeId, compress, decompress } from '../../protocol/compression/index.js';

/** The records the fixtures compress: must not change. */
function goldenRecords(count: number): Buffer {
  let s = '';
  for (let i = 0; i < count; i++) {
    s += `{"id":${i},"status":"${['NEW', 'PAID', 'SHIPPED'][i % 3]}","note":"kafkaesque golden record ${i % 17}"}\n`;
  }
  return Buffer.from(s);
}

/** gzip + base64 of the bytes Java wrote. */
const JAVA: Record<string, string> = {
  smallGzip:
    'H4sIAAAAAAACAwEGAfn+H4sIAAAAAAAA/52VuwrCQBBFe78ibJ0iM3mnExS0kYCFdTCrSCRBk1Tiv/so9m6ZmTLFgQP3ZPZlbq2p' +
    'otCMUzPNo6nMYXsyoemHyX4/uubSNXZ8zDa4DvfW9sHTnodnG0TmvXr9WfLYer3fLIDJwezBx92+rrdLeHZ8LBaPHZvIxRMHpyrx' +
    '1PGZWDxzbC4Xzx1cqMQLx5di8RKpRIpWvNJI5U7IjVhsT4iNYoU+eqNEp4/oKJXrIznKFPqojnKVvjdfIbcHXMrlsRxHKndsxyR2' +
    'x2zMcnfMxrHKHcNxInbHueBU7o5jwZnKHReDc3kzKI4LRfHe41Tqfthfdx8V5Ym2WAcAABb3mPIGAQAA',
  smallSnappy:
    'H4sIAAAAAAACAz2OPUvDUBSG3151EREH7+AQKHfWY+/th01JMAUFXSRQRDIWGz+otrVJq1K6CC4OjoUGdMzg5iSR2PwN/4OLP8BB' +
    'YsDhwAPPw8u5axzUbdsBgFx2ufvP5W9jJM5bolZYF57f9AeeqImD3SOxLjpd3xU10W6etJuudzVw86fdi5bbyffd426/lS+I8eJo' +
    'wYDUjCW7vr/zYAKSm1CaudrY27ft3UcLUNxCUbMmEVDkBkqaEURAiZsoa2YYAWVuoZIFFW5gKwu2uIlqFlS5BT0LdG5A0hkL3jEv' +
    'C2vb1GZhDEinC0k9NpmlfAlJHQY7+GJOD5Ku2EsCZwBJQxYkcDxI8tlzAmcISdcsTGAmNGLBDPoP3bDgA/o7FN2m23oMRSM2iaG/' +
    'QaUL/5TaCIpuUjvdhCIvtdONPwpjTBUUDVL7JKGon/70Ogd56EORz8IZVqQS48VfUc/8X5kBAAA=',
  smallLz4:
    'H4sIAAAAAAACA0XNzU7CQBSG4dNJMxA21dByzpLMGpQZ/rFNaiKJLFQSF24lUv9QCrQghrDxHrwWA0G5J69ABzCe1bN4cz5TnNG1' +
    '//ZuAHznZ+KhKxqFnIjiTjyOREOcN69ETvTDOBAN0evc9jpBNBwH2bvwqRv0s6PgJhx1swUxT7mA0oWL9nHrxIM9R3qAyoPw8rTV' +
    'bjd92HeUD1j0wVpA2im6gCVX23ZKHmDZ00an7ANWdk3FBazumqoHWNs1NR+wvmvqLpC8Z9YSbJSPLNlj1gowI0NGcsCsL0hn5DMj' +
    '2WfWGhw+YCSHmsTHjORE0+YRIxlvgwkj+aKJibWRnOkPNj9iySmzPsHmS4PU62aCrwxSM800/zBITTTtfyJfGKSm2+DQJBVtg/wf' +
    'kSuT1HgTJKRJarSZSByYpGK9i22pxDwFv/cDuoBf96QBAAA=',
  smallLz4Hc:
    'H4sIAAAAAAACAy3OzUoCYRgF4OMgCq5qMZ+t5h3ewE0G8/8jMzojCbmoBiLaJjlJGQ7puAo33UcXMmDOPXkF9UFn+3AOp8k3Z0/J' +
    '10MDOF5+8uucB0afN+Ws3G54wLeTR+7zqihzHvBy9rKc5ZuPba4vivd5vtLX+XOxnusG7zoRumaEuyydXsU4Uc0YXStGcX89zbJJ' +
    'glPVSkB2BU21I5BTgVQnBrkVWHUTkCfJi0C+JD8GBZKCBBRW0ER4oZDRV/T2m0LmHtwzzTHIOkDrmdYQZNfQhT0COTXOhTMGuTVI' +
    'uEOQJ8kbgfwa3K4bFBxArRgU/oCEtWiSsQcLO4Vc1oT8Ze3/y7YkLwU5kuQvV1IgdyWFKch3FBLGEBQcFb393aLwAM5Mi3cd/OUX' +
    'j5OY6GQBAAA=',
  smallZstd:
    'H4sIAAAAAAACAwH3AAj/KLUv/QBYXAcAEkgcHlCF2AG4wD6iDain1YIjK7nCzszltkRWJDHiZAZi1kakvI55mfvmrH85cy8rdo39' +
    'u3ev3d11rjXG/t2712IEwmRQ4BUkAbhGpCrJhjnMJi1TLphEmhCAM6OCiIo+nQ+z6KEGhKBPHeiJj6OHeioVGhBHqAHhDcP+b1Az' +
    'Iu0GEnAQaOKplPD/U4wqwXxzBJnHEAhHP3WWL6L21BNx8+OjP5HvX5579L30Iu8PAQKDAkQAwlJYsN901rpQJE7BueMZ8ZxfToEx' +
    'brhJtjn7Il3z2mcq27cKVLmYX56MYpzDkFM6oHgX+U9ZFQEAAF7cQR/3AAAA',
  largeSnappy:
    'H4sIAAAAAAACA+1aW2xcxRn+d3ISm8StVMDqHlVHjbZSVUV06jPnnD1nqDe72QW1VFXqKpHQVvUDKulFtARw7jfb69ghtpPw0Kx0' +
    'Vlo/7oMfeqcQ8HpvNlAQFBBIqGoleq/aqlBQUasWVP3/zBknAVoqlYRLHiL/mn8u38z3fTN7fqWyY/u2kZEyAEBK/bs6NTHBXhw+' +
    'nPnGrZnrh67LjO25Zc/escz1me033py5LnP77j27Mtdnbrvlq7fdsmvszr27Nn9t9zdv3XX75rt2fWX3XbduHsoc3Xh4/TC4zvDA' +
    'yLabbpjNAbiDORBO7todn71pZOTG0wUAMVgAzylUzwF4g8PgO8O1cwD+YA4CJ9c4BxAMFiCrOmQHhyFUHcLBHESqQzRYAKk6yMFh' +
    'cPnXWe0BsNwhO89vY40lALe8G1x+B6suY/wtcPntbKEF5TvA5XeyxRaU94LL97FaC8pj4PI9lN0HLt/PGi3ItfhhVlsG+S9+gNWa' +
    'IB8AwQ/izHIJBD/Mqksg7wOBM5gIs+dA8AOYjT8Fgo9hNv4kRY0liAUIvhezdRcEvwtnrnMQfA9rLENdgIerETaP7yVE+8Hj+wnv' +
    'YfAQUwvKB5J+MQePH2SLy3AWxx5h1SbErsouQe4cP4Cr5h7khwjvj8HnewmvihQin+8nvC74iGgJZ8WosYSIfL4PZ61jdgxPpM5p' +
    'LCI6CD4/SIj2Ub8FwhbwA5Q9AgEiauHM2LawDGc5BHiKTVyXsksg74eA7ydUKkLED/CDmMvdy/doRAGeEeHNIiLCm+V3YrbOIYvn' +
    '20S8WdzNMuLNGk5xBCI6BFl+iPDup34LtIcsImqpmY/gDs+6ECrWYw6hYT00rIeG9dCwHmrWceyYxhwa1kPDemhYjwzrkWE9MqxH' +
    'hvXIsB4Z1iPDemRYjy5kXT4I0vAuDe/S8C4N79LwLg3v0vAuDe/S8C4T3i13CA+yDeWDGB5iix0oH8NwnFW7EPsYHmELHTgrMDzG' +
    'Gm2IQwwrqA25rFprLeCtFB9HJngnpZJ8KaVScQSu+G4aWcqBK36QruroO+laC+qfBld8L91oQ70ArvhRutpR0ffTC10YnRA/TC92' +
    'YfS4uC9d68LopLiX2qfE/elGF+olsZSudSAuinPpWhvqefEgrpTriRauk1vGPP1dpva26GJ7vShatHpetLG9XhI9bOdFS7RxIp63' +
    'RDfd6AAvWeIhWnpc9GjpSbFKkKbFo9ReEY/g33pePJpe7EBcEk+kq21c4jFaui0ep6W74imC1BRPUHtTPKmXfkZDelJDegrbceFn' +
    'cSLE9DRuEjE9Q0tPiedo6QnxLEGqiOeofUb8Il3t4lQ/Sy90IM6Ln9PJlsTztLtWik8PaLYqA5qtmQFEtSSe16v/SqP6rUb1S2zH' +
    'tX+NcyGs3yNJCOs3mqPfaY7+qDn6g+boT5qjFzRHf9Yc/UVz9JLm6AXN0V9p4+0UZ+vV2i9pTC9rTK8kJL2ckPS3hKR/aJJe0ST9' +
    'XZP0qibpn5qkVzVJKVuR9JomCWxFkmUrklK2ImmdrZbusxWkdbaCZNmapH5bk7TernWgngchNtiLXShPgRBX2bUulCdAiPX2QhfK' +
    'FRCij7IzIMQmG21WpDZ0GY7tt9FkJZV9I85yHZXJLYk+xBLrUS01aiPmaM71CinhIRUQHk0dwRmdUFBHjyugo5Nig62o67cVdZts' +
    'RV2fraijhXI9DWFZQeDLiZ7O465PH1SfPsCrbM3deltzt8HW3KnFxzWoSQ1qWmy0FXd9tuKu31bcbdLc0RK5tgbV1aCaur2p2mkT' +
    'CtIGDWlDwt1VF3CnMCmDKUgTGlJFkTY6oyijpZXB+tXRXkRWrqUxXcRVcoD1kuKpXlQs6dNoJ6D+jxwhN0pA70aS6iXwFEv1InjG' +
    'Yp6xmGcs5hmLecZinrGYZyzmGYt5GktLY3kT0mI9pqXGJAbz3jbqeE/fyq/nLtc253S5qePNFH/NurQG+29UXUJ/nU8SyC2lL6sn' +
    'TMG6/CzxZgrChyat17EUF8FHno6l4jxFymW+cZlvXOYbl/nGZb5xmW9c5huX+cZlvnGZ/5Zd5l968pIX7B3AHO8mgmomrn9/O+zi' +
    'XxmXkSN8MtXb2U1BtOVz9vk0ySYE5n0IjMsCxVWcp0i5LDAuC4zLAuOywLgsMC4LLqSN5k08FijqPiGwcENFnwDg6o1YBCq43v9c' +
    '//HWpnH96+ytqgiUB8vP2HkInKNJFagIEDhFyDrFagsg62yF0NlaawGETh4iJ99oAUROEaTqIO2tlhiiHpY75BTAdQqNNliu65RA' +
    'OKVqByxXOHl+jJFaQPAJRnoBwY8zUgwIPknZKRB8ijW6wB9K8RlW60Cuwius1oZcBzxMoXDA49OMpAMen2A1E5F8wFOfqPiTgh9l' +
    '6lcyRvoHB37+koyoLKOEBB5+/pKUwMcFUUzg83FCNQk+nyTM0+DzacpWkn54k/IpRrICn88wfc9iVkuLaf8fJ9BNCPg4gVaR1g6f' +
    '1KCx+KJAY6TuAQj4BFM3AQS4KboLaDjdBhDwKYI1QT3pRoAsr1B2BrIIC28FaqN7AbJ4mvTdQFm8EyDLJwmYivQX5NQF3/v1vJWV' +
    'WzqbFOoQYRHqUJVCEFWIZ01XBYS4K7osIDQCCI0AQiOA0AggVAKgyUkBcREipYF6HiKjgchoIDIaiIwGIqOBKNGAFYVPT1r1EkRr' +
    'CojWFCBRARMpRC2NAqRRgDQKkEYB0ihAGgVIowB5kQJk18oOKQ3IJoYkgiSk+wVDkkFcxJB0EOdVSAeO4YSaH0MSQj2vZqBbBsNE' +
    'Ca5RgmuU4ColxEXIJheNlXWVFOISZC98JvCL50118H58Kd6JX6NvWO55p7zml/JrNC5CqBaRbQjV+rILoUImmybbTLJxKcnS2ORF' +
    'D82LHpoXPTQvevjWeNNo1Fsevo47iLY8vvk/FX4uI3lXCj5XCj6KpDgPkaLpbAkiY7PI2CwyNouMzSJjs8jYLDI2i4zNImOzyNgs' +
    'MjaL3pO1hCsFn3cNSW/Dz4zyNEjFUrkC0lhMGotJYzFpLCaNxaQp/lxUQYhLSY5GJgaTxmDSGEwag8n3HndX6j3vq3pPedxyh3D1' +
    'HpQrGPbbiytQPoHhB+zaKpSnMdyEYVxSrYsrcPazGH7IrvYgpvCDOJl4OMVnBxpdED9J8TMD1S6IFQxqXeArKXEN7i3ejt0/TD/v' +
    'KLyGHPx5DK+lzX8RwzROrcJBu7YC9S+oYYurwE8x8RHEw2eZSNsLq8DnsQVT9zCx2a6uAt9hCcdeWIH6iPio3egB32mJj+GiQ2tF' +
    'HHdIAKw78/DHXyz459WCsKjzFopB/vnzBE4hqf2UwAoyTgmyTql/+403z1YAsjxPpZ9aFyDkBaz9FBpdgIiXAKRTqnbxT97yhqgP' +
    '/p+BbQCus63RwyIQvwFAODdUV7AKhMM9pwAj1ZuY5Xp8Gx4Dbv00s7zAmcZzmWPg8Tm2QGcFHj/FGqsgHk/xe1htBfhnUnye1XrA' +
    'H0mBj8ku8EcxPIPftXwVw1n8AE5C7PAwhvPUYQcWeE5QhxEVYoedGJ7EDoI6zDAYqf10Hb+bgc/vZo0VEDux3DLPEOJJBgE/SRDn' +
    'MJyjPZzB8Ax1mGem7wgOO8UWV6C+EwJ+D6v2CATllermmVbdaUK4koIsP8lqa6FGmOVzyRawZKO2YGX9V7+E46nDLE4vqMMJ3MK3' +
    'LQSLcyjtQZafYkp91FvpD0I+z5QCIUSIpEFqJRVCiAfdA/5YSuWpPgchnyMQOkQQj6T4KTrFXorfnRxyiCeothAhQrWFSJVRxAiG' +
    'J3B6QR3mWHWFthDh6dMWZhkNVEKBiJ9mWijRmlAiJRS1CEmlvgOk1soI1nSMVuSaVuSaVuSaVuSaVuSaVuSaVuSaVmSilQE3c3Tj' +
    'vwEqLoBxticAAA==',
  largeLz4:
    'H4sIAAAAAAACA+2a+49eRRnHZ6bznstu9YW878uZU2O2vpC4JFDecz+ndLPbvhCLKKwpCb/4g0TqDaXQvbelu93e90L7o/FfIPES' +
    'L1joXrptAUkwaDAxRhPvGjUSIaLGgPLMzJmnW3ahmF4WA7/w5JxnZr4zz2e+O+/08OYnxWf6Jv/TTcgrt+5tfvHB5ubWLc2BwQcG' +
    'hwaam5v33Hl/85bmw7sGdzY3Nx964HMPPbBz4NGhnRs/v+vLD+58eOPunZ/dtfvBja3mYx1biBdsIff2b73rjh5yXSPoIV7YQ3bt' +
    '2H5Xf/+dfeT6RthHvKiPVE+RWiPaQrx4C8T1RtxDvKQHYq+R9BEv1TnpFuJlOifrIV6uc/I+4hU6p9hCRPAFVn2K1L3gS8x5iFVP' +
    'E++GYBcTwSOsOk9qNwRfYSJ4mFUXSMN6hIngUQiFNcREMAxh3RpgIhhUCcNMBCMQevYCdfZCD3XrduaMsuocqVtPURGOySGs01SE' +
    'eyGsWU9SEQ5DWMfQs05REY6qhNu4CAdUwq1l6FkhF+GQTLADLsLdcgh7ExfhIIzr2SEX0aiSOMRENKQkjjARjag57GUi2qsSRpnJ' +
    '3cRFNAY9iAr0sA/6rVmB6uw0qdunqCMjz36aOnuUxO9REQ8piSaUEuMRlRBwEe9WCZvKUEqMh+UAMId4QC4YzCEeUhLHmIjHlK5h' +
    'JnNhDqNMJKMqYR8TyT4I5RDwdJ40Kpu4SMagX6kBEkDD96lIRpQGE3r2U9QZU8v4XeoMGonJoJlDOmzmkD6q1mATF+mAHADmkI5I' +
    'VmAOKZKQDiuJe5hI96g5jDCZCwljTKRyZmqIfXLqlYCLTMOyiYsMYckQlgxhyRCWbNSIzAbMLDKEJUNYMoQlR1hyhCVHWHKEJUdY' +
    'coQlR1hyhCW/GBbraSoKpKVAWgqkpUBaCqSlQFoKpKVAWgqkpTC0dAetEVZdlEvdHbT2sOoZIqz9EI+z6hKpWTHvDlr74HmjEkK8' +
    'H/I9K4N4UkE1T9XzBVJ3FqgzLivmnKGOeu+cpo56a+XcD74hZEF7eHcQTKgOergffB0e1+3buR98U8AQdh/3g++I6hlSk+G3RHWJ' +
    'NOwJ5n4bImEfYu6TENXtA0wEB5h8fZCJ4CCEnt3m7mloXre2cfcU9Fm3e7n7tBzfPktFyCowvD1PIRFGn6fuvHq9SN0lId9u4+6C' +
    'etvL3UX1ts3ds/Kts00+W3xz5r0cWpwhntPm7jNK2DiDPNB1gLnnlezDzH1evZ1k7nMq6uXwDNa+zUW0rlJdlAOLiFbkyIvUfUGN' +
    'vETdHyldc9T9odI1R90Xja6XjOoXjWrZQur6CWiVqn8slwZUv6R0HWTuT5WaCQZ5oHpSPxP2Eeb+AiLZ88+gbcPq5e7PVana3P2l' +
    'Wo8F6hxeX5LwBi9J0Ct9mqo8qerXRvPvjOZfybeg6jeyZ9D8B8kAaP6tQeD3BoE/lQi4fxSaAPfPogTgZQPAXwwAfy0BcF8RZf1f' +
    'NvX/m1qrRaN5G1d5su2rRvNrpv6vmvr/3dT/X6b+r5n6/9PU/3VT/3+b+r9e1r8rP2R3wahviLL2xC9rz/3qOJW1p35Z+3V+qcn2' +
    'S8Xr/FIx98vaO35Z+4oPq2L3cj+0fBBlHWR+6EJYtyaYH1YgbFiTzA9tlXCE+WGnLy1hG5dPwRGgB9mtZ7X5bWHrkN21EgH2Gep2' +
    '+tX9VBIgVdYt3XZBtvXDDqlddl4pxUt5ii8p74yRrzFQ6gEDJR6W2fJLDBy/xKDTLzGw/RIDNTZg0OmXGChpzrxBdxkGtllU2yy5' +
    '65cYVPwSA8svMdCqxlmp+YDRfJi5HX6Jge2XGDi+xgBULS4bd5GWmpeM5rlSM0SOUdVpQLCMZsuA4F4EgtasTUBrnjCaS33SBBQD' +
    'WpUyga7kkH2j3Zb/v6D89oJUNE5XLP8FFWhzt8PoVbXXihaN3itaeai3Mtr/58rDJorcsms/QhOI0AQiNIEITSBCE4jQBCJjArdF' +
    'rUP2jWABEHRB5bW2t2UALCBCC4jQAqLLjIEI69lqHDhnqXNk/WocwNrjmq5lDpw5o/lqO0D1lY/fdMGgq5dfnwGuuQVU+d03La+7' +
    '9qx5KXg/Xbt1F8VXt8uB58zf2RUKD5sotswui9ECYrSAGC0gRguI0QJitIAYLSBGC4jxHBCbc4BMWIkDPAks48DSra8MCCIU/W8h' +
    'obrh7o8ABhsuxEAfAMbpmsfAWTLovi0FV2n7q5Ol9zYOsErl39EBRPa1T19WC7ig8G85+a3ZwsNZZHL9aoW35qif4F/RBA0gQQNI' +
    '0AASNIAEDSBBA0jQABI0gORiBOQIuP8T3P/JpVAAtwL61+3l/zsgwqmN70zBaj8BEIS1cgAAwStRoP/676fX8vx/SdsfLgE0ue9U' +
    'eJE1B67+jwD8+bcmat9VqFuA5ZW3lqifdso7ANj2qaq9DNEBUnSAFB0gRQdI0QFSdIAUHSC9FAZk/7j/U9z/6cUYLL8LukQMrslP' +
    'wTVGQXXD3Rs1BG85/Ot7oLW3/ZffAGnLMnVfm1cAK9X9Gl4BQN1hf2X6hLxI/Uxv8CXqZ+gAZcIcJrS5TNAOkKEDZOgAGTpAhg6Q' +
    'vTsKSoHaADLDAahfCYIrcA8kwgl2pa4ANbmL5b9jvH8FuPoFAJynLy78e+sCUMO6rO5Xb/fD/sxV4Stt7ueq8rDDcrSAHC0g1zt8' +
    'jpqEOUzQPWgLyNECcrSAHC0gRwvILw8El3oD+D9BIELWcfkoWOkaCKIJ9v7137sr/Hvo+m/Dtbv+sw4zv1CFh5/VBe7/Avd/gfu/' +
    'wP1f4P4vtHGtcP1j6fZ69xe4+wvc/QXu/gJ3f7EmL4EuNwfvX/5di8s/kT1xfO0U/mpc/lnj7OagZfnVs/IG7eag5fjVc0RYRyH+' +
    'gF89T+rWYYg7Vdzm6vk5IirbIb4e2tYsGX9Q9uk+S52p9TAz9wfUOQFRzT2no7pzjro1OW/rHmjjqXO6jGtK0ycgrqu1+RTEQo6h' +
    '4gaMXbfv1W3PE+HMMvdDUp0zxVwBUcOZ0c+Ec5K5GyGqOTu4+2Fo3bD7udsFfXrOfdy9USrgz9D+5uagFc6sI+QfYXzBx4/wLeMl' +
    'fP0YNx/rUF9OBq0w6Su/eWyT60XSJl7aJr333Hn/JLlOpL3Ey3oJTFZkfcTL+yD2RN4mXtGGuOYVveSjUUsldQetrcQLthKQ3B0E' +
    'dxAvvINUz5Fad1B+TnmeNES0lThTTM76cSaix5lclGkmomkmV2WWiWgWQs99gTonGSyl8zHqzLDqWVJ3nqMinpUfJjnPUxGfkJ9X' +
    'OeepiKeYrJ0JPedZKuIZlbCDi/ioSugvQ1hZER+XCS4kHJFDuJBwDMb13Pu4SGaUxONMJMeVxGkmkmk1hxNMJCdUwgwzuf1cJLPQ' +
    'g7Chh5PQr9SQSDkSPxlJ/B5XEs9RkR5nmj8dSonptJlDesTMQYVSYjolB4A5pEflgsEc0uNMoyfSWabZk7kKPpHNME2fyE4yjZ98' +
    'qvgT2SzTAMoE0PAMFdm00mBCz32OOrNqGc9S55iRmB0zc8inzBzyw2oN+rnIj8oBYA75NAwr55AfUxKnmGymUckRlRxRyRUqcgjF' +
    'ir2Di0LD0s9FgbAUCEuBsBQIS4GwFAhLgbAUCEuhYOkPguZjHeTN//4Ln4jTPZ4sAAA=',
  largeZstd:
    'H4sIAAAAAAACA23UezSUexcHcF2NmWlijEHGmx/jOhKDQuXoecQjt9wapGRMiaJMLnEcqeaZQaqfcamRLpiUeykViY7II5Tm0FXp' +
    'Mim6nik5unnfs9b713vez/r+tddea/+x194WTYt/qIVa71Yz+y1Df2NzEm1mSwKzJ+pbAJ1tKguUCr+LFm00VS9QS1CLVRtZ77hC' +
    'caOrc3H7MN/zYbBlYOr+9bzxC5/lmc1dBx3oElz0vTW8+50yrKgo70SNvMjJwUrkGjTuuNX0Vi1VdiVcWBG42rJ9/ZDU4A7L2ppt' +
    'ZOtjh1mEWqgtnMlWQ2a9AIjJU+OZHTOjjY3KTaJNOsqQjjIky81o76wXyEa3k8/cVma5bazYd31PNLoxS5Pktoa0a7a7+3Q8LyTE' +
    'W2pvb3+0v29gYGCA2t/3Xz4y7qm+t0qrD+O1nQ8GWjfXdd55JzWYulQTLqwoOb7BO3UiKT84YcXVcmFqk9Lj5d/1o6qSpkDLU4W6' +
    '93rDcwrzkdVewPLbj/Tbt4M/FRfMDvk/4h9d/N94Sdn/m4R/dpkY/x+IiKRljMxQWzjz1F8v+Z4PH/M9WyIXpbCt2o9FvHw1vjri' +
    '6ua6zsdDUoMfKU1Kj6B0OUTIlkk8/0OMQIxcxJByA39O/8M/Zz+qr/5bzpozysJj6iun1YP0qLZOFr0zPuqqMdzUZrhoPptN1F+b' +
    'poS6M0Qtv+SdN3XgdDjnS5K17x7xFkXANLv6l6WbizMaz5cmykyYvGIK/UnWnWnxXeFSn2a+ftTj/Hert3DS/8rfOLajS5Mzg/fe' +
    '/xy5bnlADS/FU39pum5TRIpB5Lf9/TenStOGMP7TZ3vy0q3M7R7tD1my30ht1n5zwSpThc6+kNbKQd87QTnthRQOtSHfbyxzVb5q' +
    '/rn0oJZOriUPX7hpTshfMX/mBVrMfXDTvg2747ZPw6m4zH1k+NaLHwXXzFcyctn+LcOMzNvuuxXJXddsnh0blpXHZBcVeHPk7R6O' +
    '9cvic/Msqr3kecx9BVscl44VlPc8O5xz4Yjulj1Lbzw2LLGY/HOx+e7mN+6IaXLd64/SrT3NnKywHLn819xCFy/XISLcz6HK6vfn' +
    'DxpY4bVe5crhpwfSVsyrjVmObejqe53/3dbeQvP91B7563ybWrcvAauoC5xFWkSm04KNctdMty/lWukmE7yZaVVf7ZhVZA8Tx/6E' +
    '/C7Xaw4zrt7/zTgguJN/yVK6Sgk9rb+Me3TYzau8YadrHGDDP+eaGI/Nc3eRzxQKrOUGE/ECc3YVNWdUtE0TSeiANWlrCAaLK8fz' +
    'wsBtF7blIuUJ5OEo9F3EdjMV7BZ3xiGZeTBzE5FAp98hhVUC33MwUUdBlQyng3eBxFma5Tg+fBpuWyZ4ywjUJMmOgk0yKEGwDfpc' +
    'kwOi5WVo22VoaCG4jC7YBKYDsHUs1QV8sAb+cJQvMhNEkMZSxNbJiMoQ9G7EfCrgTobiMC1tJ8XSG494AS2iwB9rsWBngZJJv63d' +
    '6IpKhcgTCdy2ibjrizlpcb/Nq+qhyIqR1XcA5xIU8IjthtKgRcr1uLwapZ1CvrLAdq6cx1Ze0VLcpaaViILXISkvYHErjOLI77Ea' +
    'FZSeePxtI2r8A7nFw2IclEP0wAGS/gkwIYXzV2In9Lic+eS0vaj4AlxhpdwlYTThb3nYI0Pua9zhtWi4B17EiCwtaYK4zxdxIYPb' +
    'juwaJvcEUv4Mhi1mj5D1bwGvWLBbh06V1BYh9AVg0l5epy08ScqxRxMaZdB8maCQqdLGrVOxKmtBBjm2AK2/CDMsBF8M6EX0RhuR' +
    'wB6tT0HGD8IoO7l5MHGZHBsnKR3DLzQjm3dihULwwlJebagapfR4ajgXgANc8CEX2sYQZ8zkG0hhE+ILn3GWP7g6Cg+HYks5yiba' +
    'WBVT2IaoHoKGcJB4EE7qSy3oje0kL1RM/Q2pXgHaU7Cj4USilTyOJuuh5FQim3tBfgq4bsV+LLbeiiygg2k7eZi2kE/KMUDrPwYA' +
    '/yRCl6lSxzNewfoW+I3cU4z+qwmq+RKZeoE8DWdbRNUPm70wT6C8IhYMITeCMAcWdwKXrwPXndmWi5UNyN5nsGkthpgoXcUXkhGa' +
    'CO7iE75LtFWbJHkKJLMcvqNZFuFUfxA/DgvCMK4Ot3lezmqNsKVIYz7gccBLD+IsV67NEUTgF4rQg5+RhxGgwpnt1wQTGYFDtDQV' +
    'rqwQlfbDtTK42xM7Yi8Y1A60Eb2NQ8PHkYMNcEMq4b1YvpShKqGNBVOcI0HaO8g7BZ1WEZ+oXgztxt0iOUArbUDXcRi5TO61SNnC' +
    'CNSR9Cnx2UHgfDJ2ZrEgApc/gsm+GGqkjBQ7bEVoLJAYTei4Win306aeIz9PwlcsRTCl2R88EBIVTHq5xoP56LgVMPfA2vS5SzTG' +
    'LEStj6A8nNhFzqlEK9tgEkewS8J+iX8PwGxZjWtxuYVouBte9CNyNOn+1OaeGKTtLVwZTvgzGp8AnA/2VUCbZKLfhi1jcH+I3btE' +
    'tQbgQSesOQbTTQQP9RQaDG4bUvIQxMSB+Hr4wJB+egPxF7kqTrL8AaKKQm4JsAofot2E3afPDdGw5Im21YFFv4F7PKzBWWmqq5CR' +
    '03wlSeN4aQ1sFRIVa7FSE6WzWL5a48F8RHEEoCdgnDfRYKio1BU+Jle1oJuF4JmFwIWm0YT3nYIZBo31GrEk0ffrcLMvsUeLvp3a' +
    '3OGJZzyDkaHEQoaqFC2JA68s2etoaTeRmQ7gTRS23lz5lNSzFB1dAgxxmGogDaboN0AiiRhkSrfj1FSsvBW2k3PE6JdqOBuH3/QU' +
    'bzScNZGOHLD0Vz+iwJBLUKZi8W0foHEz/D0AO+yi3Kwr9SHLMtFyPnL3ANzGJ4b8sKta3Hjq2GyyfiTwfQftm+ASHvGWlhO0WJCB' +
    'Bzehx7eBKVsQw5UHmClHtOijVFm1qJCDXLwLi9vgm79/h0pKGfPBWytRlwnkVgi2wVkZwGHf0lKx0MBTorfqILYPlvljTabKe7TY' +
    'PyjN9chNIRFszWbh1Ffw5EXYzJAmoHeLIDMH7tZX1P99Ks8PAN4uOVzMUuVQpvYhTxIx3iJlJi54BPzDsCwzwQrxYI2IRQVjm4lh' +
    'uqJCU+WHNsaBTzp0fZrsIaKqh89oXoVMFQ9EJRHhOtKTWsJf0PRFQB3BnPSF5v4aaUJJ3p94ayFyMRXLDyVeW8i9WcLzlB4z3OcS' +
    'CADgDYItsVfGmcojSLIUcRIfz2uAlUJCFoEdtRIkSTqrdLltSFwX8E8BaYXwvL7CSlu1naQRJKYmIzd1wLrtmPd6YoKhGKeljeFJ' +
    'YiSzFxzjg1ccdo2hqppBf0WaOg6qhMiXQ9BhMzFgKg/XVu1Hw5P/s355OE2Wi4sq4BiLPsTkHkZU8UQLXWGkqZqPPnQB6h7YZTvl' +
    '6kM6KhHqmgh2BxPLaLHVeCkPS3BWWlI0BkRvu2F6EdwH2CNU2TrEhYE8icWqbQStiPF1EBSJPdHhDoMcFfLTik2lhdUgdAaYjMYa' +
    'TJVupBxz9P1q5GExvOfM9okkruhIkyWsHgSpQdrGobQFxnPYDw24HA2v06Sw/SAkGXnviTlEE+ZW7PvktHBJoRJvDQHnhEThVXiW' +
    'o3Sgxf7BbJSICmXgUAnMFMNz9mwrc+VPUo9K3MqiAc9RC+VpWmw+ZaoWyQx5tze9/ELZ/XWMxrej7uvWEisGXbONV4CCQsiXwHN2' +
    'yjOT2qrS9Yj4yDLihM7K509RL5NFgw2I1EmpG0pkbClztXJP9MaoM+dwY1YbxdSS3J2Qr9fgYn4woZmRFcF/YvTL05MuXPeAEQPV' +
    'K2uH26BB8Lh7D126VtxXlwG7P7t901f5aAeeIYUpIDZ0v6KfnPYHCGuGjtWivmf0OvGW1wtx9ypfh2X4NsLq0Hm9wFHtxgFS2k7x' +
    '8mREDMBp0/Zo2qd3oY1Ve3fsGxvYaaNMxuW56C0jlbjPOWjLwZrs8sx5iEptzGmTJuWcGYjNhmP2bDMrwa9rdtYeSTlowIyGy5bP' +
    '9Z1lWt53Ozp7mNxzFs2k+bCi2ey4ewsDG2PnFg3brcjVtNnDZM54rx4ViWw9oDaJSqGLyOmEuyZPl7vRTEfa+4RmebWk4KTZoIx5' +
    'PAMp6YjmWAcfCN4Vxg/GnHJPPA/bsl5TOB+1k88fk5WzBcuQrOOaKNa9X69lo43cNc8i3vrKqrWt9MbsRppUXTKrefnyqDnKjOut' +
    'oUcoa3/31UtJyNM5Hns8oZfZ2hdSGAgmPc7uBN3dC0hRFUaXulNyd1RnuPevykutcAw+0XSm3Qyf0FeU7lKQV/ZT9Gwj0lodZbL3' +
    'et47mLPmycrN52pYiJo1L9IYI8Z5IH/89XEtdOLsKAmAr5VnBvIXut5MrPqQ+P3NzKo6vlw0l9IR5IeZ3zndHTb5MWvlnqrO9x5J' +
    'uUH2Tg88dG9GRxd+4LQdGLAvH0PrrTF7RG+rbXWi/iq9sqdnE71MNpqOR47blwn0DtReLPdYuEJ3yZbaACORu0GCsmOwqWtrLpju' +
    'Dh25PZRAQJub7/eyHEjtru7SO44mN9aQchMbkCQjQpLYYrxDo9rrpyx3/fWvzfV4mVH5Vp9ej7u6BvRPZR85Z2dEiif3T5pyEjn8' +
    'RxPidb3PEWrSH5pXC7ItNcvTs90N94YN9kr2dvHn7C5XD/npwZwTV32J7xf1tM2XYjeODDILpsqKtDoMzBN6fkmdJ779/CuzMGNS' +
    'ZKHxeY+d9PqOVfO5nzWfJ2Dz+u8m/qrLfx16MP6xYuCYEzfpirjOutG/xt/y+XSsQ6GizNfhjr9979Fl04oXxk4Ls94Nf/Seaitq' +
    'e3yF1nR2wMV67sI3mi3NjqEu3TEeXQOLWYdTMdSRRFyXzO8635o0UDId0v/7yPfJrb8RG4y/UXzWqOnNvnxZZ23S/Y+6tLqdopzc' +
    'T8GPN8yYqxj4k3U99bTYLzFjpEjv+CHziMAN9azPvU9FJb9enz6U+iLL/sOIxu/Fc0rd1oykDHnXXDGK4mNI2YGasvPJDh+2UN+9' +
    'PHNyn0NSrsn4+7tnGfSliKoobJzePQdvGBhpKJaMdGWlxk0HLIBPf8nKcVbee7xtetv9W3xyzNC1oEcuCfZy8eioxVXULonk+WRO' +
    '8uXs9V9doycaqlJtP9l+P/85u3325F+PBq/Kvhn8a34W59petKO83aBJNRJ+bwXZNOcFcLqTecNqZ5z5q+hoUhLqbZAa2bnL90ps' +
    'q8exiWww5me4LdtNylMn8y+PXjv1c+5J0kC7/Kt0enr654wZamr/BjaHpZbxDwAA',
};

function javaBytes(name: string): Buffer {
  return zlib.gunzipSync(Buffer.from(JAVA[name]!, 'base64'));
}

const SMALL = goldenRecords(30);
const LARGE = goldenRecords(1100);

describe('decoding what Kafka 4.2.1 (Java) writes', () => {
  test('the inputs are the ones the fixtures were made from', () => {
    expect(SMALL.length).toBe(1880);
    expect(LARGE.length).toBe(70471);
  });

  test.each([
    ['gzip (default level)', CompressionType.Gzip, 'smallGzip', SMALL],
    ['snappy, xerial-framed', CompressionType.Snappy, 'smallSnappy', SMALL],
    ['lz4, level 9 (fast compressor)', CompressionType.Lz4, 'smallLz4', SMALL],
    ['lz4, level 17 (LZ4 HC compressor)', CompressionType.Lz4, 'smallLz4Hc', SMALL],
    ['zstd, level 3, no content size', CompressionType.Zstd, 'smallZstd', SMALL],
    ['snappy, 3 xerial chunks', CompressionType.Snappy, 'largeSnappy', LARGE],
    ['lz4, 2 blocks', CompressionType.Lz4, 'largeLz4', LARGE],
    ['zstd, multi-block frame without content size', CompressionType.Zstd, 'largeZstd', LARGE],
  ] as ReadonlyArray<readonly [string, CompressionTypeId, string, Buffer]>)('%s', (_what, type, fixture, raw) => {
    const out = decompress(type, javaBytes(fixture), raw.length);
    expect(out.equals(raw)).toBe(true);
    // the limit is exact for Java's streams too
    expect(() => decompress(type, javaBytes(fixture), raw.length - 1)).toThrow(/maxDecompressedBytes/);
  });
});

describe("our writer uses Java's framing", () => {
  test('lz4: magic, FLG 0x60, BD 0x40, HC 0x82 (as Lz4BlockOutputStream)', () => {
    expect(javaBytes('smallLz4').subarray(0, 7).toString('hex')).toBe('04224d18604082');
    expect(compress(CompressionType.Lz4, SMALL).subarray(0, 7).toString('hex')).toBe('04224d18604082');
    expect(javaBytes('largeLz4').subarray(0, 7).equals(compress(CompressionType.Lz4, LARGE).subarray(0, 7))).toBe(true);
  });

  test('snappy: the xerial header, and chunks of 32 KiB of input', () => {
    const java = javaBytes('largeSnappy');
    const ours = compress(CompressionType.Snappy, LARGE);
    expect(java.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    expect(ours.subarray(0, 16).equals(java.subarray(0, 16))).toBe(true);
    const chunkSizes = (z: Buffer): number[] => {
      const sizes: number[] = [];
      for (let pos = 16; pos < z.length; pos += 4 + z.readInt32BE(pos)) {
        sizes.push(decompress(CompressionType.Snappy, Buffer.concat([z.subarray(0, 16), z.subarray(pos, pos + 4 + z.readInt32BE(pos))]), 1 << 20).length);
      }
      return sizes;
    };
    expect(chunkSizes(ours)).toEqual(chunkSizes(java));
    expect(chunkSizes(java)).toEqual([32768, 32768, 4935]);
  });

  test("zstd: Java's frames carry no content size (frame header descriptor 0x00)", () => {
    expect(javaBytes('smallZstd').subarray(0, 5).toString('hex')).toBe('28b52ffd00');
    expect(javaBytes('largeZstd').subarray(0, 5).toString('hex')).toBe('28b52ffd00');
  });
});
