// A report run's PDF through its signed link (the signature and expiry are checked at the gateway).
import { isPlainFileName, proxyGatewayFile } from "@/lib/server/gateway-file-proxy";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  if (!isPlainFileName(file)) return new Response("Not found.", { status: 404 });
  return proxyGatewayFile(request, `/downloads/reports/${file}`);
}
