"""One-to-one messages (openim): sendmsg, batchsendmsg, importmsg, admin_getroammsg,
admin_msgwithdraw, admin_set_msg_read, get_c2c_unread_msg_num, modify_c2c_msg,
delete_c2c_msg_ramble.

Pages: tencentcloud 1047/34919 (sendmsg), 34920 (batchsendmsg), 35478 (admin_getroammsg),
35015 (admin_msgwithdraw), 35014 (importmsg), 47722 (modify_c2c_msg),
38996 (admin_set_msg_read), 41046 (get_c2c_unread_msg_num); cloud.tencent 269/101439
(delete_c2c_msg_ramble),
cloud.tencent 269/2282 (2026: the 120 s dedup key). The openim spec is the accounts
package's (one spec per REST service).
"""

from __future__ import annotations

from timctl.emulator.services import Service, deferred
from timctl.emulator.services.accounts import SERVICE as ACCOUNTS
from timctl.emulator.services.c2c_messages.schema import MIGRATIONS

SERVICE = Service(
    name="c2c_messages",
    specs={"openim": ACCOUNTS.specs["openim"]},
    migrations=MIGRATIONS,
    on_account_deleted=deferred(f"{__name__}.queries:on_account_deleted"),
)
