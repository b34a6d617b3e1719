import { urlCheck } from "../../contract/checks/url";
import { defineHandler } from "../shared/handler";
import { parseCheckEvent } from "../shared/input";
import { runUrlCheck } from "./check";
import { createNodeHttpGet } from "./transport";

const get = createNodeHttpGet();

/** Lambda entry of the URL check (DESIGN §3). */
export const handler = defineHandler({
  name: urlCheck.functionName,
  parse: (event) => parseCheckEvent(event, urlCheck),
  run: (input) => runUrlCheck(input.settings, { get }),
});
