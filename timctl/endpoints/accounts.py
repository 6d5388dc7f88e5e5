"""Accounts, login state, online status, profile and account-wide mute.

Services: im_open_login_svc, openim (query_online_status), profile, openconfigsvr (mute).
Facts: ../shared/reference/rest-api-accounts-c2c-sns-ops.yaml (sections B, C, E) and the
official pages it cites (tencentcloud.com/document/product/1047/...).
"""

from __future__ import annotations

from timctl.endpoints._fields import (
    U32_MAX,
    array,
    flag,
    integer,
    read,
    text,
    uid,
    uids,
    write,
)
from timctl.endpoints.spec import Batch, Endpoint

LOGIN = "im_open_login_svc"

ENDPOINTS: tuple[Endpoint, ...] = (
    # --- accounts (im_open_login_svc) ---------------------------------------------------------
    # Importing an existing UserID succeeds and updates Nick/FaceUrl: an upsert, safe to repeat.
    # Pages before 2022-01 named the field Identifier (intlcloud-documents history).
    write(LOGIN, "account_import", "Import one account",
          request=(uid("UserID"), text("Nick", 500), text("FaceUrl", 500)),
          legacy_fields=(("Identifier", "UserID"),)),
    # Old form: Accounts, a bare UserID list (cannot carry Nick/FaceUrl); new form AccountList.
    write(LOGIN, "multiaccount_import", "Import up to 100 accounts", rate=100,
          batch=Batch("AccountList", 100, item_key="UserID", result="FailAccounts",
                      failed_list=True),
          request=(array("AccountList", 100, items="object"),  # one of the two is required
                   uids("Accounts", 100, required=False)),
          legacy_fields=(("Accounts", "AccountList"),)),
    # A retry after a lost answer finds the account gone: 70107 per item counts as done.
    write(LOGIN, "account_delete", "Delete up to 100 accounts", rate=100,
          gone_codes=frozenset({70107}), destructive=True,
          batch=Batch("DeleteItem", 100, item_key="UserID", result="ResultItem",
                      result_key="UserID"),
          request=(array("DeleteItem", 100, required=True, items="object"),),
          rate_note="deletion must be enabled for the edition (71000); a deleted UserID "
                    "cannot be re-imported for 3 months on paid editions (70399)"),
    read(LOGIN, "account_check", "Check whether accounts are imported", rate=100,
         batch=Batch("CheckItem", 100, item_key="UserID", result="ResultItem",
                     result_key="UserID"),
         request=(array("CheckItem", 100, required=True, items="object"),)),
    # Invalidating a login state twice leaves the same state. Identifier before 2022-01.
    write(LOGIN, "kick", "Invalidate one account's login state",
          request=(uid("UserID"),), legacy_fields=(("Identifier", "UserID"),)),
    # --- online status (openim) ---------------------------------------------------------------
    # openim/querystate: the 2019 API list and old SDKs; unknown accounts come back in
    # ErrorList as {To_Account, ErrorCode: 70107}.
    read("openim", "query_online_status", "Query online status of up to 500 accounts",
         batch=Batch("To_Account", 500, result="ErrorList", result_key="To_Account",
                     rows="QueryResult",
                     result_code="ErrorCode"),
         request=(uids("To_Account", 500), flag("IsNeedDetail"), flag("IsReturnInstid"),
                  flag("IsReturnCustomStatus")),
         legacy_paths=("openim/querystate",)),
    # --- profile ------------------------------------------------------------------------------
    # Tags not mentioned are left unchanged; each mentioned tag is overwritten.
    write("profile", "portrait_set", "Set profile fields of one account",
          request=(uid("From_Account"), array("ProfileItem", required=True, items="object"))),
    # 100 is the advised maximum (response size), not a hard limit.
    read("profile", "portrait_get", "Get profile fields of accounts",
         batch=Batch("To_Account", 100, result="UserProfileItem", result_key="To_Account"),
         request=(uids("To_Account", 100), array("TagList", required=True, items="string"))),
    # --- account-wide mute (openconfigsvr) ----------------------------------------------------
    # Sets remaining mute seconds (0 unmute, 4294967295 permanent): a repeat sets it again.
    write("openconfigsvr", "setnospeaking", "Set an account's global mute",
          request=(uid("Set_Account"), integer("C2CmsgNospeakingTime", False, 0, U32_MAX),
                   integer("GroupmsgNospeakingTime", False, 0, U32_MAX))),
    read("openconfigsvr", "getnospeaking", "Get an account's global mute",
         request=(uid("Get_Account"),)),
)
