/// The stylesheet and script every page embeds: nothing is fetched, so the dashboard works offline and on a
/// locked-down network.
enum DashboardAssets {
    /// Light by default, dark under `prefers-color-scheme: dark`; sizes in `rem` grow with the wall screen's font.
    static let style = """
        :root{--bg:#f7f7f8;--fg:#1b1d21;--muted:#5a606b;--card:#fff;--line:#d9dce1;--accent:#1f5fbf;\
        --ok:#1d7a3e;--bad:#b3261e;--warn:#8a5a00;--l0:#1f5fbf;--l1:#b3261e;--l2:#1d7a3e;--l3:#7a3fb3;\
        color-scheme:light dark}
        @media (prefers-color-scheme:dark){:root{--bg:#121418;--fg:#e8eaed;--muted:#a3a9b4;--card:#1c1f25;\
        --line:#343a44;--accent:#8ab4f8;--ok:#6dd58c;--bad:#f28b82;--warn:#fdd663;--l0:#8ab4f8;--l1:#f28b82;\
        --l2:#6dd58c;--l3:#d7aefb}}
        @media (min-width:1800px){html{font-size:20px}}
        *{box-sizing:border-box}
        body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.45 system-ui,-apple-system,"Segoe UI",\
        Roboto,sans-serif}
        a{color:var(--accent)}
        a:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
        header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.75rem 1.5rem;\
        border-bottom:1px solid var(--line);background:var(--card)}
        header .brand{font-weight:700;font-size:1.2rem;text-decoration:none;color:var(--fg)}
        nav ul{display:flex;gap:.25rem;list-style:none;margin:0;padding:0;flex-wrap:wrap}
        nav a{display:inline-block;padding:.2rem .6rem;border-radius:.4rem;text-decoration:none}
        nav a[aria-current]{background:var(--accent);color:var(--bg);font-weight:600}
        main{padding:1rem 1.5rem;max-width:110rem}
        h1{font-size:1.4rem;margin:.25rem 0 1rem}
        h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.75rem}
        .card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem}
        .card .label{color:var(--muted);font-size:.85rem}
        .card .value{font-size:1.7rem;font-weight:650;font-variant-numeric:tabular-nums}
        table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line)}
        th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:right;\
        font-variant-numeric:tabular-nums}
        th:first-child,td:first-child{text-align:left;overflow-wrap:anywhere}
        th.text,td.text{text-align:left}
        th{color:var(--muted);font-weight:600;font-size:.9rem}
        .status-ok{color:var(--ok)}.status-bad{color:var(--bad)}.status-warn{color:var(--warn)}
        .muted{color:var(--muted)}
        .live{font-size:.85rem;color:var(--muted)}
        .spark polyline,path.l0,line.l0,polyline.l0{stroke:var(--l0)}
        path.l1,line.l1{stroke:var(--l1)}path.l2,line.l2{stroke:var(--l2)}path.l3,line.l3{stroke:var(--l3)}
        circle.l0{fill:var(--l0)}circle.l1{fill:var(--l1)}circle.l2{fill:var(--l2)}circle.l3{fill:var(--l3)}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(28rem,1fr));gap:.75rem}
        figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:.5rem;\
        padding:.5rem .75rem}
        figure.chart>svg{width:100%;height:auto}
        caption{text-align:left;padding:.25rem 0}
        figcaption{font-weight:600}
        .axis{stroke:var(--line)}
        .tick{fill:var(--muted);font-size:11px}
        .legend{display:flex;gap:1rem;list-style:none;padding:0;margin:.25rem 0 0;font-size:.85rem}
        .legend svg{vertical-align:middle;margin-right:.3rem}
        .error{border-left:4px solid var(--bad);padding:.75rem 1rem;background:var(--card)}
        form.inline{display:inline-flex;gap:.5rem;align-items:center}
        select,button,input{font:inherit}
        h3{font-size:1rem;margin:1.25rem 0 .5rem}
        td.text,th.text{text-align:left}
        .parts{font-size:.8rem;color:var(--muted);white-space:normal}
        form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:0 0 1rem}
        form.filters label{display:inline-flex;gap:.4rem;align-items:center}
        form.filters input,form.filters select,form.filters button{background:var(--card);color:var(--fg);\
        border:1px solid var(--line);border-radius:.3rem;padding:.2rem .4rem}
        form.filters button{border-color:var(--accent);color:var(--accent);font-weight:600}
        table.agents td:first-child{min-width:8rem}
        table.agents td:not(.text),table.agents td.band{white-space:nowrap}
        .card .value.word{font-size:1.25rem;padding:.2rem 0}
        """

    /// Live pages: an `EventSource` on `/v1/stream` fills every `[data-live=KEY]` element at each update, and when
    /// an update tells of a change (a `generation` other than the page's own `data-generation`, or than the last
    /// update's: a batch or an alert action) or of another count of active alerts, the page's `<main>` is fetched
    /// again and swapped in place: no reload, scroll and focus kept. A refetch
    /// after a change names the generation it wants (`X-Vitals-Generation`), so the server may answer every open
    /// copy of the page with one rendering. A refetch waits at least 2 s after the last one and ten times as long as
    /// the last one took, so a slow page throttles itself; it waits while the page is hidden or a filter field has
    /// the focus. A refetch sent to the sign-in page (the session ended) goes there. A dropped stream is retried with
    /// a doubling delay up to 30 s.
    static let liveScript = """
        (function(){
        var w=document.body.getAttribute('data-live-window');
        var s=document.getElementById('live-status');
        if(!w||!window.EventSource||!s)return;
        var g=document.body.getAttribute('data-generation');
        var delay=1000,gen=g===null?null:Number(g),alerts=null,fresh=false,busy=false,queued=false,last=0,cost=0;
        function count(k){s.setAttribute(k,String(Number(s.getAttribute(k)||'0')+1));}
        function later(ms){if(!queued){queued=true;setTimeout(function(){queued=false;refresh();},ms);}}
        function refresh(){
        if(busy){later(500);return;}
        var a=document.activeElement,wait=Math.max(2000,10*cost)-(Date.now()-last);
        if(document.hidden||(a&&a.closest&&a.closest('main form'))){later(2000);return;}
        if(wait>0){later(wait);return;}
        var h={Accept:'text/html'};if(!fresh)h['X-Vitals-Generation']=String(gen);
        busy=true;fresh=false;var t=Date.now();
        fetch(location.href,{headers:h,credentials:'same-origin'})
        .then(function(r){if(r.redirected){location.href=r.url;throw new Error('signed out');}
        if(!r.ok)throw new Error('HTTP '+r.status);return r.text();})
        .then(function(x){var m=new DOMParser().parseFromString(x,'text/html').querySelector('main');
        var here=document.querySelector('main');if(m&&here){here.innerHTML=m.innerHTML;count('data-refreshes');}})
        .catch(function(){})
        .then(function(){busy=false;last=Date.now();cost=last-t;});}
        function connect(){
        var es=new EventSource('/v1/stream?window='+encodeURIComponent(w));
        es.addEventListener('update',function(e){
        var d=JSON.parse(e.data);
        Object.keys(d.values).forEach(function(k){
        document.querySelectorAll('[data-live="'+k+'"]').forEach(function(el){el.textContent=d.values[k];});});
        var al=(d.values.alerts_firing||'')+'/'+(d.values.alerts_pending||'');
        var moved=gen!==null&&d.generation!==gen,flipped=alerts!==null&&al!==alerts;
        gen=d.generation;alerts=al;
        if(flipped)fresh=true;
        if(moved||flipped)refresh();
        s.textContent='Live: updated '+new Date(d.generated_at).toLocaleTimeString();
        count('data-updates');
        delay=1000;});
        es.onerror=function(){es.close();s.textContent='Live: reconnecting\\u2026';
        setTimeout(connect,delay);delay=Math.min(delay*2,30000);};}
        connect();})();
        """

    /// The alert buttons: `POST /v1/alerts/FINGERPRINT/ack` or `POST /v1/silences` (one hour, the alert's rule and
    /// group), then a reload; a failure is written into the status line with the API's message. Clicks are listened
    /// for on the document, so that the buttons of a `<main>` swapped in by a live refresh work too.
    static let alertScript = """
        (function(){
        function post(url,body){return fetch(url,{method:'POST',headers:{'Content-Type':'application/json'},
        body:JSON.stringify(body)}).then(function(r){if(!r.ok){return r.json().then(function(j){
        throw new Error(j.error||('HTTP '+r.status));});}});}
        document.addEventListener('click',function(e){
        var b=e.target.closest&&e.target.closest('button[data-ack],button[data-silence]');
        if(!b)return;
        var out=document.getElementById('alert-status');
        b.disabled=true;out.textContent='Sending\\u2026';
        var sent=b.hasAttribute('data-ack')
        ?post('/v1/alerts/'+encodeURIComponent(b.getAttribute('data-ack'))+'/ack',
        {author:'dashboard',comment:'acknowledged from the dashboard'})
        :post('/v1/silences',{matchers:JSON.parse(b.getAttribute('data-silence')),duration:'1h',
        createdBy:'dashboard',comment:'silenced from the dashboard'});
        sent.then(function(){out.textContent='Done.';location.reload();})
        .catch(function(e){out.textContent='Failed: '+e.message;b.disabled=false;});});})();
        """
}
