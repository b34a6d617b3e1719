// Fake credentials and region so no AWS SDK client ever probes instance metadata or a real
// account; every AWS API in tests is either aws-sdk-client-mock or a loopback endpoint.
process.env.AWS_ACCESS_KEY_ID = "AKIAFIRSTLINETEST000";
process.env.AWS_SECRET_ACCESS_KEY = "first-line-test-secret";
process.env.AWS_REGION = "eu-west-1";
process.env.AWS_EC2_METADATA_DISABLED = "true";
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;

import "../testkit/promise-with-resolvers";
