/**
 * AlterUserScramCredentials (key 51), version 0, flexible 0+
 * (AlterUserScramCredentialsRequest.json, AlterUserScramCredentialsResponse.json). Deletes and
 * upserts users' SCRAM credentials; the client sends the salt and salted password, never the
 * password (KIP-554). The admin client's alterUserScramCredentials.
 *
 * Versions: only 0 (flexible from the start).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

/** A credential to remove: the user and the mechanism (1 SCRAM-SHA-256, 2 SCRAM-SHA-512). */
const ScramCredentialDeletion = struct('ScramCredentialDeletion', {
  name: f.string(), //                                      Name string, versions 0+
  mechanism: f.int8(), //                                   Mechanism int8, versions 0+
});

const ScramCredentialUpsertion = struct('ScramCredentialUpsertion', {
  name: f.string(), //                                      Name string, versions 0+
  mechanism: f.int8(), //                                   Mechanism int8, versions 0+
  iterations: f.int32(), //                                 Iterations int32, versions 0+
  salt: f.bytes(), //                                       Salt bytes, versions 0+
  saltedPassword: f.bytes(), //                             SaltedPassword bytes, versions 0+
});

const AlterUserScramCredentialsResult = struct('AlterUserScramCredentialsResult', {
  user: f.string(), //                                      User string, versions 0+
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
});

export const AlterUserScramCredentials = api({
  name: 'AlterUserScramCredentials',
  apiKey: 51,
  versions: '0',
  flexible: '0+',
  request: {
    deletions: f.array(ScramCredentialDeletion), //         Deletions []ScramCredentialDeletion, versions 0+
    upsertions: f.array(ScramCredentialUpsertion), //       Upsertions []ScramCredentialUpsertion, versions 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    /** One per affected user. */
    results: f.array(AlterUserScramCredentialsResult), //   Results []AlterUserScramCredentialsResult, versions 0+
  },
});

export type ScramCredentialDeletion = MessageOf<typeof ScramCredentialDeletion.fields>;
export type ScramCredentialUpsertion = MessageOf<typeof ScramCredentialUpsertion.fields>;
export type AlterUserScramCredentialsResult = MessageOf<typeof AlterUserScramCredentialsResult.fields>;
export type AlterUserScramCredentialsRequest = MessageOf<typeof AlterUserScramCredentials.request.fields>;
export type AlterUserScramCredentialsResponse = MessageOf<typeof AlterUserScramCredentials.response.fields>;
