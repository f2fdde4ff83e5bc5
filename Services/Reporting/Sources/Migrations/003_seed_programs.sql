-- The five programs of the seeds, with their forms and indicator sets. Zhejiang's monthly core
-- indicators come in two versions: the 2013 set up to 2018-12 and the 2018 set from 2019-01
-- (浙医管中心〔2018〕79号).

INSERT INTO programs (id, code, name, sms_login, period_type, window_rule, open_after_months, open_after_days,
                      close_after_months, close_after_days, deadline_text, late_entry, description, position) VALUES
 (gen_random_uuid(), 'zj_monthly', '浙江省医疗质量核心指标月报', false, 'month', 'offset', 0, 0, 0, 20,
  '每月20日（含）前报送上一月度的数据', true, '浙江省医疗质量控制与评价办公室：医院一般情况与医疗质量核心指标，逐月报送。', 1),
 (gen_random_uuid(), 'ncis_annual', '全国医疗质量数据抽样调查', true, 'year', 'announced', 0, 0, 0, 0,
  '以系统通知为准', false, '国家医疗质量管理与控制信息网（NCIS）：上一年度医疗质量数据抽样调查。', 2),
 (gen_random_uuid(), 'stroke_annual', '中国脑血管病登记（医疗机构脑血管病诊疗情况）', true, 'year', 'offset', 1, 0, 3, 0,
  '每年2–3月填报上一年度数据', false, '国家卫生健康委脑卒中防治工程：每年2–3月填报上一年脑血管病诊疗有关信息。', 3),
 (gen_random_uuid(), 'hqms_flu_weekly', '流感医疗服务监测周报', true, 'week', 'offset', 0, 0, 0, 3,
  '每周三（含）前报送上一周数据', true, '医院质量监测系统（HQMS）流感医疗服务监测。', 4),
 (gen_random_uuid(), 'nccqi_pci_quarterly', '冠心病介入质控指标季报', true, 'quarter', 'offset', 0, 0, 1, 0,
  '季度结束后一个月内报送', true, '国家心血管病质控信息平台（NCCQI）：冠心病介入专业质控指标。', 5);

INSERT INTO forms (id, program_id, code, name, position)
SELECT gen_random_uuid(), p.id, f.code, f.name, f.pos
FROM (VALUES ('zj_monthly', 'general', '医院一般情况', 1),
             ('zj_monthly', 'core', '医疗质量核心指标', 2),
             ('ncis_annual', 'hospital', '医院运行基本情况调查表', 1),
             ('stroke_annual', 'survey', '医疗机构脑血管病诊疗情况调查表', 1),
             ('hqms_flu_weekly', 'weekly', '流感医疗服务监测周报表', 1),
             ('nccqi_pci_quarterly', 'pci', '冠心病介入质控指标', 1)) AS f(program, code, name, pos)
JOIN programs p ON p.code = f.program;

INSERT INTO form_versions (id, form_id, code, name, first_period, last_period)
SELECT gen_random_uuid(), f.id, v.code, v.name, v.first_period, v.last_period
FROM (VALUES ('zj_monthly', 'general', '2013', '医院一般情况（2013版）', '2013-01', NULL),
             ('zj_monthly', 'core', '2013', '医疗质量核心指标（2013版）', '2013-01', '2018-12'),
             ('zj_monthly', 'core', '2018', '医疗质量核心指标（2018版）', '2019-01', NULL),
             ('ncis_annual', 'hospital', '2024', '2024年度调查表', '2024', NULL),
             ('stroke_annual', 'survey', '2018', '年度诊疗情况（2018版）', '2015', NULL),
             ('hqms_flu_weekly', 'weekly', '2019', '流感监测周报（2019版）', '2019-W01', NULL),
             ('nccqi_pci_quarterly', 'pci', '2020', '冠心病介入质控指标（2020版）', '2020-Q1', NULL)
     ) AS v(program, form, code, name, first_period, last_period)
JOIN programs p ON p.code = v.program
JOIN forms f ON f.program_id = p.id AND f.code = v.form;

-- Indicators: (program, form, version, position, code, name, category, unit, type, required,
-- min, max, decimals, choices, formula kind, operands, help)
INSERT INTO indicators (id, version_id, position, code, name, category, unit, type, required, min_value, max_value,
                        decimals, choices, formula_kind, operands, help)
SELECT gen_random_uuid(), v.id, i.pos, i.code, i.name, i.category, i.unit, i.type, i.required, i.min_v, i.max_v,
       i.decimals, i.choices, i.formula_kind, i.operands, i.help
FROM (VALUES
 -- 浙江：医院一般情况
 ('zj_monthly', 'general', '2013', 1, 'G01', '医院等级', '医院规模', '', 'choice', true, NULL::numeric, NULL::numeric, 0,
  ARRAY['三级甲等', '三级乙等', '二级甲等', '二级乙等'], NULL, '{}'::text[], '以医疗机构执业许可证及等级评审结果为准'),
 ('zj_monthly', 'general', '2013', 2, 'G02', '编制床位数', '医院规模', '张', 'integer', true, 0, 20000, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'general', '2013', 3, 'G03', '实际开放床位数', '医院规模', '张', 'integer', true, 0, 20000, 0, '{}', NULL, '{}', '统计期末实际开放的床位数'),
 ('zj_monthly', 'general', '2013', 4, 'G04', '职工总数', '医院规模', '人', 'integer', true, 0, 100000, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'general', '2013', 5, 'G05', '卫生技术人员数', '医院规模', '人', 'integer', true, 0, 100000, 0, '{}', NULL, '{}', '含执业医师、注册护士、药师、技师等'),
 ('zj_monthly', 'general', '2013', 6, 'G06', '上报联系人', '联系人', '', 'text', true, NULL, NULL, 0, '{}', NULL, '{}', '数据和上报联系人有变动时务必及时更新'),
 ('zj_monthly', 'general', '2013', 7, 'G07', '联系人手机', '联系人', '', 'text', true, NULL, NULL, 0, '{}', NULL, '{}', ''),

 -- 浙江：核心指标 2013 版
 ('zj_monthly', 'core', '2013', 1, 'A01', '门诊人次', '门急诊', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 2, 'A02', '急诊人次', '门急诊', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 3, 'A03', '门急诊人次', '门急诊', '人次', 'integer', false, NULL, NULL, 0, '{}', 'sum', ARRAY['A01', 'A02'], '门诊人次 + 急诊人次，自动计算'),
 ('zj_monthly', 'core', '2013', 4, 'A04', '急诊死亡人数', '门急诊', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 5, 'A05', '急诊死亡率', '门急诊', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['A04', 'A02'], '急诊死亡人数 / 急诊人次 × 100'),
 ('zj_monthly', 'core', '2013', 6, 'A06', '门诊处方总数', '门急诊', '张', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 7, 'A07', '门诊抗菌药物处方数', '门急诊', '张', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 8, 'A08', '门诊抗菌药物处方比例', '门急诊', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['A07', 'A06'], '门诊抗菌药物处方数 / 门诊处方总数 × 100'),
 ('zj_monthly', 'core', '2013', 9, 'B01', '出院人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 10, 'B02', '出院患者死亡人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 11, 'B03', '住院患者死亡率', '住院', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['B02', 'B01'], '出院患者死亡人数 / 出院人数 × 100'),
 ('zj_monthly', 'core', '2013', 12, 'B04', '出院患者平均住院日', '住院', '天', 'decimal', true, 0, 365, 2, '{}', NULL, '{}', '出院者占用总床日数 / 出院人数'),
 ('zj_monthly', 'core', '2013', 13, 'B05', '手术患者人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 14, 'B06', '手术患者死亡人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 15, 'B07', '手术患者死亡率', '住院', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['B06', 'B05'], '手术患者死亡人数 / 手术患者人数 × 100'),
 ('zj_monthly', 'core', '2013', 16, 'B08', '非计划再次手术例数', '住院', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 17, 'B09', '出院31天内非计划再住院人数', '住院', '人', 'integer', false, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 18, 'C01', '医院感染例数', '其他', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2013', 19, 'C02', '医院感染发生率', '其他', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['C01', 'B01'], '医院感染例数 / 出院人数 × 100'),
 ('zj_monthly', 'core', '2013', 20, 'C03', '住院患者压疮发生例数', '其他', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2013版指标'),
 ('zj_monthly', 'core', '2013', 21, 'C09', '填报人', '其他', '', 'text', true, NULL, NULL, 0, '{}', NULL, '{}', ''),

 -- 浙江：核心指标 2018 版（新增预约诊疗、日间手术、四级手术、I类切口感染、跌倒坠床；取消压疮）
 ('zj_monthly', 'core', '2018', 1, 'A01', '门诊人次', '门急诊', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 2, 'A02', '急诊人次', '门急诊', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 3, 'A03', '门急诊人次', '门急诊', '人次', 'integer', false, NULL, NULL, 0, '{}', 'sum', ARRAY['A01', 'A02'], '门诊人次 + 急诊人次，自动计算'),
 ('zj_monthly', 'core', '2018', 4, 'A04', '急诊死亡人数', '门急诊', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 5, 'A05', '急诊死亡率', '门急诊', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['A04', 'A02'], '急诊死亡人数 / 急诊人次 × 100'),
 ('zj_monthly', 'core', '2018', 6, 'A09', '门诊预约诊疗人次', '门急诊', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2018版新增'),
 ('zj_monthly', 'core', '2018', 7, 'A10', '门诊预约诊疗率', '门急诊', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['A09', 'A01'], '门诊预约诊疗人次 / 门诊人次 × 100'),
 ('zj_monthly', 'core', '2018', 8, 'A06', '门诊处方总数', '门急诊', '张', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 9, 'A07', '门诊抗菌药物处方数', '门急诊', '张', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 10, 'A08', '门诊抗菌药物处方比例', '门急诊', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['A07', 'A06'], '门诊抗菌药物处方数 / 门诊处方总数 × 100'),
 ('zj_monthly', 'core', '2018', 11, 'B01', '出院人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 12, 'B02', '出院患者死亡人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 13, 'B03', '住院患者死亡率', '住院', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['B02', 'B01'], '出院患者死亡人数 / 出院人数 × 100'),
 ('zj_monthly', 'core', '2018', 14, 'B04', '出院患者平均住院日', '住院', '天', 'decimal', true, 0, 365, 2, '{}', NULL, '{}', '出院者占用总床日数 / 出院人数'),
 ('zj_monthly', 'core', '2018', 15, 'B05', '手术患者人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 16, 'B06', '手术患者死亡人数', '住院', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 17, 'B07', '手术患者死亡率', '住院', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['B06', 'B05'], '手术患者死亡人数 / 手术患者人数 × 100'),
 ('zj_monthly', 'core', '2018', 18, 'B10', '非计划重返手术室再手术例数', '住院', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2018版替代“非计划再次手术例数”'),
 ('zj_monthly', 'core', '2018', 19, 'B11', '非计划重返手术室再手术率', '住院', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['B10', 'B05'], '非计划重返手术室再手术例数 / 手术患者人数 × 100'),
 ('zj_monthly', 'core', '2018', 20, 'B12', '日间手术例数', '住院', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2018版新增'),
 ('zj_monthly', 'core', '2018', 21, 'B13', '出院患者四级手术例数', '住院', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2018版新增'),
 ('zj_monthly', 'core', '2018', 22, 'B14', '出院患者四级手术比例', '住院', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['B13', 'B05'], '出院患者四级手术例数 / 手术患者人数 × 100'),
 ('zj_monthly', 'core', '2018', 23, 'C01', '医院感染例数', '其他', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 24, 'C02', '医院感染发生率', '其他', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['C01', 'B01'], '医院感染例数 / 出院人数 × 100'),
 ('zj_monthly', 'core', '2018', 25, 'C04', 'I类切口手术例数', '其他', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2018版新增'),
 ('zj_monthly', 'core', '2018', 26, 'C05', 'I类切口手术部位感染例数', '其他', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2018版新增'),
 ('zj_monthly', 'core', '2018', 27, 'C06', 'I类切口手术部位感染率', '其他', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['C05', 'C04'], 'I类切口手术部位感染例数 / I类切口手术例数 × 100'),
 ('zj_monthly', 'core', '2018', 28, 'C07', '住院患者跌倒坠床发生例数', '其他', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '2018版新增'),
 ('zj_monthly', 'core', '2018', 29, 'C09', '填报人', '其他', '', 'text', true, NULL, NULL, 0, '{}', NULL, '{}', ''),
 ('zj_monthly', 'core', '2018', 30, 'C10', '填报日期', '其他', '', 'date', false, NULL, NULL, 0, '{}', NULL, '{}', 'YYYY-MM-DD'),

 -- NCIS 年度抽样调查
 ('ncis_annual', 'hospital', '2024', 1, 'H01', '实际开放床位数', '医院运行', '张', 'integer', true, 0, 20000, 0, '{}', NULL, '{}', ''),
 ('ncis_annual', 'hospital', '2024', 2, 'H02', '年门急诊人次', '医院运行', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('ncis_annual', 'hospital', '2024', 3, 'H03', '年出院人次', '医院运行', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '出院日期 1月1日至12月31日'),
 ('ncis_annual', 'hospital', '2024', 4, 'H04', '出院患者死亡人数', '医院运行', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('ncis_annual', 'hospital', '2024', 5, 'H05', '住院患者死亡率', '医院运行', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['H04', 'H03'], '出院患者死亡人数 / 年出院人次 × 100'),
 ('ncis_annual', 'hospital', '2024', 6, 'H06', '执业医师人数', '人力资源', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('ncis_annual', 'hospital', '2024', 7, 'H07', '注册护士人数', '人力资源', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),

 -- 脑血管病登记 年度诊疗情况
 ('stroke_annual', 'survey', '2018', 1, 'S01', '卒中中心级别', '基本情况', '', 'choice', true, NULL, NULL, 0, ARRAY['示范高级卒中中心', '高级卒中中心', '防治卒中中心', '未建设'], NULL, '{}', ''),
 ('stroke_annual', 'survey', '2018', 2, 'S02', '脑卒中出院人数', '诊疗情况', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('stroke_annual', 'survey', '2018', 3, 'S03', '缺血性脑卒中出院人数', '诊疗情况', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('stroke_annual', 'survey', '2018', 4, 'S04', '出血性脑卒中出院人数', '诊疗情况', '人', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('stroke_annual', 'survey', '2018', 5, 'S05', '静脉溶栓例数', '诊疗情况', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('stroke_annual', 'survey', '2018', 6, 'S06', '静脉溶栓率', '诊疗情况', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['S05', 'S03'], '静脉溶栓例数 / 缺血性脑卒中出院人数 × 100'),
 ('stroke_annual', 'survey', '2018', 7, 'S07', '血管内治疗例数', '诊疗情况', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),

 -- 流感医疗服务监测 周报
 ('hqms_flu_weekly', 'weekly', '2019', 1, 'F01', '门急诊总人次', '门急诊', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('hqms_flu_weekly', 'weekly', '2019', 2, 'F02', '流感样病例就诊人次', '门急诊', '人次', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', '发热（体温≥38℃）伴咳嗽或咽痛'),
 ('hqms_flu_weekly', 'weekly', '2019', 3, 'F03', '流感样病例百分比', '门急诊', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['F02', 'F01'], '流感样病例就诊人次 / 门急诊总人次 × 100'),
 ('hqms_flu_weekly', 'weekly', '2019', 4, 'F04', '流感住院病例数', '住院', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('hqms_flu_weekly', 'weekly', '2019', 5, 'F05', '流感重症病例数', '住院', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('hqms_flu_weekly', 'weekly', '2019', 6, 'F06', '流感死亡病例数', '住院', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),

 -- NCCQI 冠心病介入 季报
 ('nccqi_pci_quarterly', 'pci', '2020', 1, 'P01', 'PCI总例数', '冠心病介入', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('nccqi_pci_quarterly', 'pci', '2020', 2, 'P02', 'STEMI患者例数', '冠心病介入', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('nccqi_pci_quarterly', 'pci', '2020', 3, 'P03', '直接PCI例数', '冠心病介入', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('nccqi_pci_quarterly', 'pci', '2020', 4, 'P04', '直接PCI比例', '冠心病介入', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['P03', 'P02'], '直接PCI例数 / STEMI患者例数 × 100'),
 ('nccqi_pci_quarterly', 'pci', '2020', 5, 'P05', '进门-导丝通过时间中位数', '冠心病介入', '分钟', 'decimal', false, 0, 1440, 1, '{}', NULL, '{}', 'D2W'),
 ('nccqi_pci_quarterly', 'pci', '2020', 6, 'P06', 'PCI术中死亡例数', '冠心病介入', '例', 'integer', true, 0, NULL, 0, '{}', NULL, '{}', ''),
 ('nccqi_pci_quarterly', 'pci', '2020', 7, 'P07', 'PCI术中死亡率', '冠心病介入', '%', 'percent', false, NULL, NULL, 2, '{}', 'ratio', ARRAY['P06', 'P01'], 'PCI术中死亡例数 / PCI总例数 × 100')
) AS i(program, form, version, pos, code, name, category, unit, type, required, min_v, max_v, decimals, choices, formula_kind, operands, help)
JOIN programs p ON p.code = i.program
JOIN forms f ON f.program_id = p.id AND f.code = i.form
JOIN form_versions v ON v.form_id = f.id AND v.code = i.version;

INSERT INTO rules (id, version_id, position, left_codes, right_code, message)
SELECT gen_random_uuid(), v.id, r.pos, r.left_codes, r.right_code, r.message
FROM (VALUES
 ('zj_monthly', 'general', '2013', 1, ARRAY['G03'], 'G02', '实际开放床位数（G03）不能大于编制床位数（G02）'),
 ('zj_monthly', 'general', '2013', 2, ARRAY['G05'], 'G04', '卫生技术人员数（G05）不能大于职工总数（G04）'),
 ('zj_monthly', 'core', '2013', 1, ARRAY['A04'], 'A02', '急诊死亡人数（A04）不能大于急诊人次（A02）'),
 ('zj_monthly', 'core', '2013', 2, ARRAY['A07'], 'A06', '门诊抗菌药物处方数（A07）不能大于门诊处方总数（A06）'),
 ('zj_monthly', 'core', '2013', 3, ARRAY['B02'], 'B01', '出院患者死亡人数（B02）不能大于出院人数（B01）'),
 ('zj_monthly', 'core', '2013', 4, ARRAY['B06'], 'B05', '手术患者死亡人数（B06）不能大于手术患者人数（B05）'),
 ('zj_monthly', 'core', '2013', 5, ARRAY['B06'], 'B02', '手术患者死亡人数（B06）不能大于出院患者死亡人数（B02）'),
 ('zj_monthly', 'core', '2018', 1, ARRAY['A04'], 'A02', '急诊死亡人数（A04）不能大于急诊人次（A02）'),
 ('zj_monthly', 'core', '2018', 2, ARRAY['A09'], 'A01', '门诊预约诊疗人次（A09）不能大于门诊人次（A01）'),
 ('zj_monthly', 'core', '2018', 3, ARRAY['A07'], 'A06', '门诊抗菌药物处方数（A07）不能大于门诊处方总数（A06）'),
 ('zj_monthly', 'core', '2018', 4, ARRAY['B02'], 'B01', '出院患者死亡人数（B02）不能大于出院人数（B01）'),
 ('zj_monthly', 'core', '2018', 5, ARRAY['B06'], 'B05', '手术患者死亡人数（B06）不能大于手术患者人数（B05）'),
 ('zj_monthly', 'core', '2018', 6, ARRAY['B13'], 'B05', '出院患者四级手术例数（B13）不能大于手术患者人数（B05）'),
 ('zj_monthly', 'core', '2018', 7, ARRAY['C05'], 'C04', 'I类切口手术部位感染例数（C05）不能大于I类切口手术例数（C04）'),
 ('ncis_annual', 'hospital', '2024', 1, ARRAY['H04'], 'H03', '出院患者死亡人数（H04）不能大于年出院人次（H03）'),
 ('stroke_annual', 'survey', '2018', 1, ARRAY['S03', 'S04'], 'S02', '缺血性（S03）与出血性（S04）脑卒中出院人数之和不能大于脑卒中出院人数（S02）'),
 ('stroke_annual', 'survey', '2018', 2, ARRAY['S05'], 'S03', '静脉溶栓例数（S05）不能大于缺血性脑卒中出院人数（S03）'),
 ('hqms_flu_weekly', 'weekly', '2019', 1, ARRAY['F02'], 'F01', '流感样病例就诊人次（F02）不能大于门急诊总人次（F01）'),
 ('hqms_flu_weekly', 'weekly', '2019', 2, ARRAY['F05'], 'F04', '流感重症病例数（F05）不能大于流感住院病例数（F04）'),
 ('nccqi_pci_quarterly', 'pci', '2020', 1, ARRAY['P03'], 'P02', '直接PCI例数（P03）不能大于STEMI患者例数（P02）'),
 ('nccqi_pci_quarterly', 'pci', '2020', 2, ARRAY['P06'], 'P01', 'PCI术中死亡例数（P06）不能大于PCI总例数（P01）')
) AS r(program, form, version, pos, left_codes, right_code, message)
JOIN programs p ON p.code = r.program
JOIN forms f ON f.program_id = p.id AND f.code = r.form
JOIN form_versions v ON v.form_id = f.id AND v.code = r.version;
