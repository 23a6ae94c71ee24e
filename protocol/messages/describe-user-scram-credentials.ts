/**
 * DescribeUserScramCredentials (key 50), version 0, flexible 0+
 * (DescribeUserScramCredentialsRequest.json, DescribeUserScramCredentialsResponse.json).
 * Lists the SCRAM mechanisms and iteration counts of users' credentials, never the secrets
 * (KIP-554); the admin client's describeUserScramCredentials.
 *
 * Versions: only 0 (flexible from the start).
 */
import { api, f, struct, type MessageOf } from '../schema.js';

const UserName = struct('UserName', {
  name: f.string(), //                                      Name string, versions 0+
});

/** One credential of a user: the mechanism (1 SCRAM-SHA-256, 2 SCRAM-SHA-512) and its iterations. */
const CredentialInfo = struct('CredentialInfo', {
  mechanism: f.int8(), //                                   Mechanism int8, versions 0+
  iterations: f.int32(), //                                 Iterations int32, versions 0+
});

const DescribeUserScramCredentialsResult = struct('DescribeUserScramCredentialsResult', {
  user: f.string(), //                                      User string, versions 0+
  errorCode: f.int16(), //                                  ErrorCode int16, versions 0+
  errorMessage: f.string().nullable(), //                   ErrorMessage string, versions 0+, nullable 0+
  credentialInfos: f.array(CredentialInfo), //              CredentialInfos []CredentialInfo, versions 0+
});

export const DescribeUserScramCredentials = api({
  name: 'DescribeUserScramCredentials',
  apiKey: 50,
  versions: '0',
  flexible: '0+',
  request: {
    /** The users to describe; null or empty describes every user. */
    users: f.array(UserName).nullable(), //                 Users []UserName, versions 0+, nullable 0+
  },
  response: {
    throttleTimeMs: f.int32(), //                           ThrottleTimeMs int32, versions 0+
    /** Message-level: 0 except for authorization or infrastructure errors. */
    errorCode: f.int16(), //                                ErrorCode int16, versions 0+
    errorMessage: f.string().nullable(), //                 ErrorMessage string, versions 0+, nullable 0+
    results: f.array(DescribeUserScramCredentialsResult), // Results []DescribeUserScramCredentialsResult, versions 0+
  },
});

export type UserName = MessageOf<typeof UserName.fields>;
export type CredentialInfo = MessageOf<typeof CredentialInfo.fields>;
export type DescribeUserScramCredentialsResult = MessageOf<typeof DescribeUserScramCredentialsResult.fields>;
export type DescribeUserScramCredentialsRequest = MessageOf<typeof DescribeUserScramCredentials.request.fields>;
export type DescribeUserScramCredentialsResponse = MessageOf<typeof DescribeUserScramCredentials.response.fields>;
