import { createTRPCContext } from "@/server/api/context";
import { createTrpcHandler } from "./handler";

const handler = createTrpcHandler((headers) => createTRPCContext({ headers }));

export { handler as GET, handler as POST };
