-- The categories each KvK establishment counts in: its branch of the kwetsbare_branches list (an SBI
-- code is matched on its prefix), all kwetsbare branches together (kwetsbaar), holiday parks (SBI 5520,
-- 5530), real estate (SBI 68) and all establishments (alle).
with establishments as (
    select establishment_key, sbi_code from {{ ref('int_establishments_located') }}
),

branches as (
    select sbi_code as branch_code from {{ ref('kwetsbare_branches') }}
)

select establishments.establishment_key, branches.branch_code as category
from establishments
inner join branches on starts_with(establishments.sbi_code, branches.branch_code)
union all
select distinct establishments.establishment_key, 'kwetsbaar'
from establishments
inner join branches on starts_with(establishments.sbi_code, branches.branch_code)
union all
select establishment_key, 'vakantieparken' from establishments where left(sbi_code, 4) in ('5520', '5530')
union all
select establishment_key, 'vastgoed' from establishments where left(sbi_code, 2) = '68'
union all
select establishment_key, 'alle' from establishments
