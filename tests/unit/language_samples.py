"""Agency-style paragraphs written for the language tests (not copied from any wire).

Long enough that the identifier is sure: the Swedish one, judged among en/de/fr/es/it/nl
only, scored German at 0.992 and was overruled to it.
"""

from __future__ import annotations

SV_LONG = (
    "Regeringen presenterade på tisdagen ett nytt förslag om att sänka skatten för pensionärer "
    "och låginkomsttagare. Finansministern sade vid en presskonferens i Stockholm att reformen "
    "ska finansieras genom minskade statliga utgifter och högre avgifter på utsläpp. "
    "Oppositionen kritiserade förslaget och menade att det gynnar storstäderna på bekostnad av "
    "landsbygden, där många kommuner redan har svårt att klara välfärden. Enligt Statistiska "
    "centralbyrån har antalet pensionärer med låga inkomster ökat under de senaste fem åren, "
    "särskilt bland kvinnor som har arbetat deltid. Riksdagen väntas rösta om förslaget i "
    "november, och flera partier har redan aviserat att de kommer att lägga fram egna "
    "alternativ. Pensionärsorganisationerna välkomnade beskedet men varnade för att "
    "sänkningen inte räcker för att kompensera för de senaste årens höga matpriser och "
    "elräkningar. Ekonomer vid flera banker bedömer att reformen får en begränsad effekt på "
    "inflationen, eftersom den införs stegvis under två år.")
FI_LONG = (
    "Helsingin kaupunginvaltuusto hyväksyi keskiviikkona uuden liikennesuunnitelman, jonka "
    "mukaan raitiotieverkkoa laajennetaan itäisiin kaupunginosiin vuoteen 2030 mennessä. "
    "Päätöstä kannatti selvä enemmistö valtuutetuista, mutta oppositio arvosteli hankkeen "
    "kustannuksia. Apulaispormestarin mukaan uusi linja lyhentää matka-aikoja merkittävästi "
    "ja vähentää autoliikennettä keskustassa. Asukasyhdistykset ovat vaatineet, että "
    "rakennustyöt aikataulutetaan niin, etteivät ne katkaise bussiyhteyksiä pitkiksi ajoiksi. "
    "Valtio on luvannut rahoittaa hankkeesta kolmanneksen, ja loput katetaan kaupungin "
    "lainanotolla sekä maankäyttömaksuilla. Ensimmäiset rakennustyöt alkavat ensi keväänä "
    "Kalasatamassa, jossa uusi pysäkki yhdistetään metroasemaan. Liikennetutkijat pitävät "
    "suunnitelmaa realistisena, mutta muistuttavat, että vastaavissa hankkeissa kustannukset "
    "ovat usein ylittyneet huomattavasti alkuperäisestä arviosta.")
NO_LONG = (
    "Stortinget vedtok torsdag en ny lov som skal gjøre det enklere for kommunene å bygge "
    "flere boliger. Kommunal- og distriktsministeren sa at regjeringen vil følge opp med "
    "økte bevilgninger til infrastruktur i distriktene allerede i neste års statsbudsjett. "
    "Opposisjonen mener loven ikke går langt nok, og krever at staten selv tar ansvar for å "
    "bygge rimelige utleieboliger i byene. Ifølge Statistisk sentralbyrå har boligprisene "
    "steget med åtte prosent det siste året, og særlig unge i Oslo og Bergen sliter med å "
    "komme inn på boligmarkedet. Kommunesektorens organisasjon ønsker endringene velkommen, "
    "men advarer om at mange kommuner mangler fagfolk til å behandle byggesøknadene raskt "
    "nok. Loven trer i kraft fra nyttår, og departementet skal evaluere virkningene etter "
    "tre år.")
