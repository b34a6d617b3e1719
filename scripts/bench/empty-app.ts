// The floor the synth benchmark compares against: one stack, one provider, nothing else,
// started the same way as main.ts (node --import tsx).
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";

const app = new App();
const stack = new TerraformStack(app, "empty");
new AwsProvider(stack, "aws", { region: "eu-west-1" });
app.synth();
