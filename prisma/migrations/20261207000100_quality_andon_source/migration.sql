-- Andons the quality subgraph asks for (through its request stream, read by the andon subgraph) are
-- told apart from those raised by hand or by a PLC fault.
ALTER TYPE "AndonSource" ADD VALUE 'QUALITY';
