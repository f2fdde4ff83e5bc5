-- Issue 17's remaining registration pieces (docs/registration.md, docs/accounts.md).

-- Zhejiang confirmation: the stamped 联络员信息表 sent with a confirmation (documents' id of a
-- `liaison_form` document of the confirming administrator, checked at documents).
ALTER TABLE info_confirmations ADD COLUMN liaison_form_id uuid;
