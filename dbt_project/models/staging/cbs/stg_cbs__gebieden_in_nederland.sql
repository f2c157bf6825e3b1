-- Each gemeente of each year with its province and regional police unit.
select
    table_id,
    cast(period as integer) as period_year,
    RegioS as gemeente_code,
    CodesEnNamenVanGemeenten_Naam as gemeente_name,
    Provincies_Code as province_code,
    Provincies_Naam as province_name,
    PolitieRegionaleEenheden_Code as police_unit_code,
    PolitieRegionaleEenheden_Naam as police_unit_name
from {{ source('cbs', 'cbs_gebieden_in_nederland') }}
