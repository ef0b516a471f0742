/* GET /api/batch/ws/{job_id}: the batch progress WebSocket. */
#include "server.h"

void srv_ws_init(void)
{
}
