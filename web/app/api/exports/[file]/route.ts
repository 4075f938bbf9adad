// An analytics query as CSV, run at the gateway as the caller (bearer token), streamed back.
import { isPlainFileName, proxyGatewayFile } from "@/lib/server/gateway-file-proxy";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  if (!isPlainFileName(file)) return new Response("Not found.", { status: 404 });
  return proxyGatewayFile(request, `/exports/${file}`);
}
